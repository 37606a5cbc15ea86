package io.kinesin.hooks;

import java.time.Duration;

/** The {@code timeout} every hook's config has: the kernel passes it (10s by default); this plugin's kinds need it positive. */
final class Timeouts {

    private Timeouts() {
    }

    static Duration check(Duration timeout) {
        if (timeout == null) {
            throw new IllegalArgumentException("timeout: required: how long the hook may take in all, e.g. timeout: 5s (10s when not set)");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: must be more than 0, e.g. timeout: 5s");
        }
        return timeout;
    }
}
