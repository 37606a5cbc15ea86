package io.kinesin.kernel.logbus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The log bus's warm-up runs its rounds on a real pipe, and stops between two once kinesin is exiting. */
@Timeout(60)
class WarmupTest {

    @Test
    void runsEveryRoundUnlessAbandoned() {
        assertThat(Warmup.run(() -> false)).isEqualTo(Warmup.ROUNDS);
    }

    @Test
    void anAbandonedWarmupStopsBeforeItsNextRound() {
        AtomicInteger asked = new AtomicInteger();
        assertThat(Warmup.run(() -> asked.incrementAndGet() > 4)).isEqualTo(3);
        assertThat(asked).hasValue(5); // once before it makes its pipe, then before each round
    }

    @Test
    void aWarmupAbandonedBeforeItStartsMakesNothing() {
        assertThat(Warmup.run(() -> true)).isZero();
    }
}
