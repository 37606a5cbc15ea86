package io.kinesin.kernel.supervise;

import java.time.Duration;

/**
 * Delay before restart number {@code attempt} (0-based): {@code initial * factor^attempt},
 * at most {@code max}. An instance that ran for {@code resetAfter} or longer starts over at
 * attempt 0. A zero {@code initial} restarts at once.
 */
public record Backoff(Duration initial, Duration max, double factor, Duration resetAfter) {

    public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(30), 2.0, Duration.ofSeconds(60));

    public Backoff {
        if (initial.isNegative()) {
            throw new IllegalArgumentException("initial must not be negative");
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max (" + Durations.format(max) + ") must not be below initial (" + Durations.format(initial) + ")");
        }
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("factor must be a number >= 1, not " + factor);
        }
        if (resetAfter.isNegative()) {
            throw new IllegalArgumentException("reset-after must not be negative");
        }
    }

    public Duration delay(int attempt) {
        double nanos = initial.toNanos() * Math.pow(factor, attempt);
        if (nanos >= max.toNanos() || Double.isInfinite(nanos)) {
            return max;
        }
        return Duration.ofNanos((long) nanos);
    }
}
