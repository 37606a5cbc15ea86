package io.kinesin.spi.contract;

import java.time.Duration;

/** How much later than its deadline a call may return: scheduling on a busy 2-core CI machine, not work. */
final class Deadlines {

    static final Duration SLACK = Duration.ofMillis(750);

    private Deadlines() {
    }

    /** What a test waits at most for a call bounded by {@code deadline}, so that a hang fails instead of hanging the build. */
    static Duration bound(Duration deadline) {
        return deadline.plus(SLACK);
    }
}
