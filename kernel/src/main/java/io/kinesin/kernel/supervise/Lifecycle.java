package io.kinesin.kernel.supervise;

import io.kinesin.spi.ExitStatus;

import java.time.Instant;

/**
 * What happened to an instance, as an immutable record handed to {@link LifecycleListener}s
 * (metrics, hooks, status) off the supervisor's thread.
 */
public sealed interface Lifecycle {

    String service();

    int instance();

    Instant at();

    /** The instance moved from one state to another. */
    record Moved(String service, int instance, State from, State to, Step step, int pid, Instant at) implements Lifecycle {
    }

    /**
     * A process of the instance died (or could not be started: {@code pid} 0).
     *
     * @param deaths      its deaths within the crash-loop window, this one included
     * @param willRestart whether a restart follows
     * @param state       the instance's state after this death
     * @param cause       why it died: exit, signal (not sent by kinesin to stop it), stopped by kinesin, or
     *                    broken (kinesin stopped it for readiness, watchdog or health)
     */
    record Died(String service, int instance, int pid, ExitStatus status, Cause cause, int deaths, boolean willRestart,
                State state, Instant at) implements Lifecycle {
    }

    /** Why a process died, as metrics and hooks tell it. */
    enum Cause {
        EXIT, SIGNAL, STOPPED,
        /** kinesin stopped it: not ready within {@code ready.timeout}. */
        READY_TIMEOUT,
        /** kinesin stopped it: no {@code WATCHDOG=1} within its period. */
        WATCHDOG,
        /** kinesin stopped it: a failing health check with {@code action: restart}. */
        HEALTH;

        /** As metrics and hooks name it: {@code exit}, {@code ready-timeout}. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
