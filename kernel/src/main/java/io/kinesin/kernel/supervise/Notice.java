package io.kinesin.kernel.supervise;

/**
 * What an instance told kinesin through its readiness channel (the sd_notify socket, the s6
 * fd, the ack socket, a log line): read off the loop, handed to it as {@link Event.Noticed}.
 */
public sealed interface Notice {

    /** {@code READY=1}, a newline on the s6 fd, an ack, the pattern's line, the first passing check. */
    record Ready() implements Notice {
        public static final Ready INSTANCE = new Ready();
    }

    /** {@code STATUS=...}: a line for status. */
    record Status(String text) implements Notice {
    }

    /** {@code STOPPING=1}: it is on its way out. */
    record Stopping() implements Notice {
    }

    /** {@code WATCHDOG=1}: still alive. */
    record WatchdogPing() implements Notice {
    }

    /** {@code WATCHDOG_USEC=N}: the watchdog's period from now on (0 turns it off). */
    record WatchdogUsec(long micros) implements Notice {
    }
}
