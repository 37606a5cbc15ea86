package io.kinesin.kernel.supervise;

import io.kinesin.kernel.process.SpawnSpec;
import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Signal;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What other threads post to the supervisor's loop: the only way anything reaches the state the
 * loop owns. Timers are not events: they are deadlines the loop waits for. New inputs
 * (readiness, health results, control commands, sink failures) join as new records.
 */
public sealed interface Event {

    /** SIGCHLD: some child changed state; reap. At most one is pending at a time. */
    record ChildChanged() implements Event {
        static final ChildChanged INSTANCE = new ChildChanged();
    }

    /** kinesin received a signal other than CHLD. */
    record Received(Signal signal) implements Event {
    }

    /**
     * Start a process on behalf of someone other than a service instance (a hook, a health
     * check's command): the loop spawns it, so the reaper knows it, and hands its exit status to
     * {@code exited} (on the loop's thread: it must only hand the status on).
     *
     * @param started completed with the pid, or exceptionally with the {@code SpawnException}
     * @param output  a name for the log bus ({@code hook:web:alert}): the process's stdout and
     *                stderr go there, labelled with it; null: as the spec says
     */
    record SpawnFor(SpawnSpec spec, Consumer<ExitStatus> exited, CompletableFuture<Integer> started, String output) implements Event {
        public SpawnFor(SpawnSpec spec, Consumer<ExitStatus> exited, CompletableFuture<Integer> started) {
            this(spec, exited, started, null);
        }
    }

    /**
     * Claim a pid that kinesin did not spawn itself but will reap (a worker a preloader forked,
     * reparented to kinesin): its exit status goes to {@code exited} (on the loop's thread), even
     * if it died before this claim arrived.
     */
    record Claim(int pid, Consumer<ExitStatus> exited) implements Event {
    }

    /**
     * A launcher's start of an instance ended ({@link io.kinesin.spi.Launcher#launch}): its pid,
     * or why it could not start.
     *
     * @param pid      0 when it failed
     * @param error    null when it started
     * @param released the launcher's stage itself completed, so it is done with the fds it was
     *                 lent (false: the kernel's deadline passed first)
     */
    record Launched(Ticket ticket, int pid, String error, boolean released) implements Event {
    }

    /**
     * A launcher's reload ({@code kinesin restart SERVICE}) ended; {@code then} runs on the loop.
     *
     * @param error null when it reloaded
     */
    record Reloaded(String error, java.util.function.Consumer<String> then) implements Event {
    }

    /**
     * Signal the process group of a process spawned for someone else ({@link SpawnFor}) or
     * claimed ({@link Claim}), if the loop has not reaped it yet: never a pid that may have
     * been reused.
     */
    record SignalOwned(int pid, Signal signal) implements Event {
    }

    /**
     * An operator's order from the control socket. {@code answer} is completed by the loop (on
     * its thread, once the order is carried out: after a stop ladder, for stop and restart);
     * whoever waits for it bounds the wait.
     */
    record Ordered(Order order, CompletableFuture<Order.Answer> answer) implements Event {
    }

    /** An instance said something through its readiness channel. */
    record Noticed(Ticket ticket, Notice notice) implements Event {
    }

    /**
     * A health check of an instance ended.
     *
     * @param check    the entry's index in the service's {@code health:}
     * @param outcome  passed, failed, or timed out (no answer within its {@code timeout})
     * @param detail   the check's own words ({@code "200"}, {@code "exit 1"})
     * @param nanos    how long it took
     */
    record Checked(Ticket ticket, int check, Outcome outcome, String detail, long nanos) implements Event {
        /** How a check ended, as metrics count it. */
        public enum Outcome {
            PASS, FAIL, TIMEOUT;

            public String label() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }
    }

    /**
     * Is the loop alive? It completes {@code done} when it takes this event; whoever waits
     * (the HTTP endpoint's {@code /livez}) bounds the wait.
     */
    record Ping(CompletableFuture<Void> done) implements Event {
    }
}
