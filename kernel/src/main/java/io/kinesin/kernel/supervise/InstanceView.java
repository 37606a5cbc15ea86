package io.kinesin.kernel.supervise;

import io.kinesin.spi.ExitStatus;

import java.time.Instant;

/**
 * A snapshot of one instance, for status output and tests.
 *
 * @param pid      its process now, 0 if none
 * @param lastExit   how its last process ended, null if none has
 * @param lastExitAt when, null if none has
 * @param failure    why it is FAILED, null otherwise
 * @param held       held down by an operator ({@code kinesin stop}) until {@code kinesin start}
 */
public record InstanceView(String service, int instance, State state, int pid, Instant startedAt, int restarts,
                           ExitStatus lastExit, Instant lastExitAt, String failure, boolean held) {

    /** {@code web}, or {@code web.2} for an instance of a service with several. */
    public String name(boolean replicated) {
        return replicated ? service + "." + instance : service;
    }
}
