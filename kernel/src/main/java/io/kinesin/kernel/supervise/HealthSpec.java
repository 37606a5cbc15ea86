package io.kinesin.kernel.supervise;

import java.time.Duration;
import java.util.Objects;

/**
 * One {@code health:} entry's rules, which the kernel applies whatever the kind (Kubernetes'
 * probe semantics); what the check does is its plugin's.
 *
 * @param type         the kind ({@code http}), for status and metrics
 * @param every        the period between the starts of two checks
 * @param timeout      a check that has not answered by then fails
 * @param initialDelay how long after the spawn the first check runs
 * @param failures     consecutive failures that make the check failing
 * @param successes    consecutive passes that make a failing check pass again
 */
public record HealthSpec(String type, Duration every, Duration timeout, Duration initialDelay, int failures, int successes,
                         Action action) {

    /** What a failing check does to its instance. */
    public enum Action {
        /** Liveness: the instance gets its stop ladder and restarts by its policy (a death, cause health). */
        RESTART,
        /** Readiness only: the instance leaves ready while the check fails, and returns when it passes. */
        UNREADY;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public HealthSpec {
        Objects.requireNonNull(type);
        Objects.requireNonNull(action);
        if (every.isNegative() || every.isZero() || timeout.isNegative() || timeout.isZero() || initialDelay.isNegative()) {
            throw new IllegalArgumentException("every and timeout must be > 0, initial-delay >= 0");
        }
        if (failures < 1 || successes < 1) {
            throw new IllegalArgumentException("failures and successes must be at least 1");
        }
    }
}
