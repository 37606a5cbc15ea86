package io.kinesin.kernel.control;

import java.time.Instant;

/** kinesin itself, as status shows it. */
public record Self(String version, int pid, Instant startedAt) {
}
