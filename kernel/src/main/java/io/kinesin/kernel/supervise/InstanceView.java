package io.kinesin.kernel.supervise;

import io.kinesin.spi.ExitStatus;

import java.time.Instant;

/**
 * A snapshot of one instance, for status output and tests.
 *
 * @param pid      its process now, 0 if none
 * @param lastExit how its last process ended, null if none has
 * @param failure  why it is FAILED, null otherwise
 */
public record InstanceView(String service, int instance, State state, int pid, Instant startedAt, int restarts,
                           ExitStatus lastExit, String failure) {
}
