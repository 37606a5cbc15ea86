package io.kinesin.kernel.logbus;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The pool keeps what a burst into a full queue held, so that the next burst makes no new array. */
class BuffersTest {

    /** Batches of 512 lines of 100 bytes (the default buffer's), each in a 64 KiB array. */
    private static final int BATCH_BYTES = 512 * 100;

    @Test
    void aBurstThatFilledTheDefaultQueueFindsEveryArrayAgainInTheNextBurst() {
        Buffers buffers = new Buffers(Buffers.keepFor(BusSettings.DEFAULT_QUEUE_BYTES));
        // a full queue (it takes one batch past its bound), the batch being written, and a read's worth waiting in the pump
        int inFlight = BusSettings.DEFAULT_QUEUE_BYTES / BATCH_BYTES + 2 + Pump.READ_BYTES / BATCH_BYTES + 1;

        List<byte[]> first = take(buffers, inFlight);
        first.forEach(buffers::give);
        List<byte[]> second = take(buffers, inFlight);

        Set<byte[]> made = Collections.newSetFromMap(new IdentityHashMap<>());
        made.addAll(first);
        assertThat(second).as("arrays the second burst got from the pool").allMatch(made::contains);
    }

    @Test
    void aBiggerQueueKeepsMoreAndNoQueueKeepsTheDefault() {
        assertThat(Buffers.keepFor(0)).isEqualTo(Buffers.DEFAULT_KEEP_BYTES);
        assertThat(Buffers.keepFor(64 << 20)).isGreaterThanOrEqualTo(2L * (64 << 20));
    }

    @Test
    void whatIsBeyondTheBoundIsLeftToTheCollector() {
        Buffers buffers = new Buffers(Buffers.DEFAULT_KEEP_BYTES);
        int kept = (int) (Buffers.DEFAULT_KEEP_BYTES / 65536);
        List<byte[]> arrays = take(buffers, kept + 10);
        arrays.forEach(buffers::give);

        Set<byte[]> given = Collections.newSetFromMap(new IdentityHashMap<>());
        given.addAll(arrays);
        long again = take(buffers, kept + 10).stream().filter(given::contains).count();
        assertThat(again).isEqualTo(kept);
    }

    private static List<byte[]> take(Buffers buffers, int n) {
        List<byte[]> arrays = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            arrays.add(buffers.bytes(BATCH_BYTES));
        }
        return arrays;
    }
}
