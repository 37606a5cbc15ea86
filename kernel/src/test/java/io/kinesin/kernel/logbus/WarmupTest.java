package io.kinesin.kernel.logbus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The log bus's warm-up runs its rounds on a real pipe, and stops between two once kinesin is
 * exiting; after it, one collection empties the young generation.
 */
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

    /** After the second warm-up the pump has the young generation collected: what nothing holds is gone. */
    @Test
    void collectRunsTheCollectorOnce() {
        WeakReference<Object> unreachable = new WeakReference<>(new Object());
        assertThat(Warmup.collect()).isTrue();
        assertThat(unreachable.get()).isNull();
    }

    @Test
    void theSecondWarmupWaitsUntilNoPipeHasGivenAnythingFor100Ms() {
        long due = -5_000_000_000L; // nanoTime values may be negative: compared as differences
        long quiet = Pump.WARMUP_QUIET;
        // a child in a burst: read 1 ms ago, so after the burst, not now
        assertThat(Pump.afterBursts(due, due + 9_000_000, due + 10_000_000)).isEqualTo(due + 9_000_000 + quiet);
        // read just under 100 ms ago: still waits, for the rest of those 100 ms
        assertThat(Pump.afterBursts(due, due - quiet + 1, due)).isEqualTo(due + 1);
        // read 100 ms ago or more: now
        assertThat(Pump.afterBursts(due, due - quiet, due)).isEqualTo(due);
        // never read: now
        assertThat(Pump.afterBursts(due, 0, due + 1)).isEqualTo(due);
        // not due yet: unchanged, busy or not
        assertThat(Pump.afterBursts(due, due - 2, due - 1)).isEqualTo(due);
    }
}
