package io.kinesin.kernel.supervise;

import java.time.Instant;

/** Time as the supervisor sees it; tests inject a manual one. */
public interface Clock {

    /** Monotonic nanoseconds, for intervals. */
    long nanos();

    /** Wall-clock time, for what users read. */
    Instant now();

    Clock SYSTEM = new Clock() {
        @Override
        public long nanos() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }
    };
}
