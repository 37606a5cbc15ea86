package io.kinesin.kernel.supervise;

import java.time.Duration;

/** More than {@code deaths} deaths of one instance within {@code within}: it is FAILED, not restarted. */
public record CrashLoop(int deaths, Duration within) {

    public static final CrashLoop DEFAULT = new CrashLoop(5, Duration.ofSeconds(60));

    public CrashLoop {
        if (deaths < 1) {
            throw new IllegalArgumentException("deaths must be at least 1, not " + deaths);
        }
        if (within.isNegative() || within.isZero()) {
            throw new IllegalArgumentException("within must be > 0");
        }
    }
}
