package io.kinesin.kernel.supervise;

import io.kinesin.spi.ExitStatus;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one instance, for status output and tests.
 *
 * @param pid      its process now, 0 if none
 * @param lastExit   how its last process ended, null if none has
 * @param lastExitAt when, null if none has
 * @param failure    why it is FAILED, null otherwise
 * @param held       held down by an operator ({@code kinesin stop}) until {@code kinesin start}
 * @param notifyStatus the last {@code STATUS=} its process sent, null if none
 * @param health     its checks, in config order
 */
public record InstanceView(String service, int instance, State state, int pid, Instant startedAt, int restarts,
                           ExitStatus lastExit, Instant lastExitAt, String failure, boolean held, String notifyStatus,
                           List<Check> health) {

    public InstanceView {
        health = List.copyOf(health);
    }

    /**
     * One health check of the instance's current process.
     *
     * @param passing             null until its first result
     * @param lastResult          the check's last words, null before the first
     * @param consecutiveFailures failures since the last pass
     */
    public record Check(String type, HealthSpec.Action action, Boolean passing, String lastResult, Instant lastAt,
                        int consecutiveFailures) {
    }

    /** Whether it is ready: in state ready. */
    public boolean ready() {
        return state == State.READY;
    }

    /** {@code web}, or {@code web.2} for an instance of a service with several. */
    public String name(boolean replicated) {
        return replicated ? service + "." + instance : service;
    }
}
