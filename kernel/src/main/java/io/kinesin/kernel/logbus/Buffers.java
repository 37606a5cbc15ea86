package io.kinesin.kernel.logbus;

import java.util.ArrayDeque;

/**
 * The arrays batches are made of, taken again once every sink is done with their batch
 * ({@link Batch#release}): a burst of output then reuses a few warm arrays instead of filling
 * the heap with new ones for the collector. Arrays come in powers of two; each size keeps at
 * most {@link #KEEP_BYTES} for later, the rest is left to the collector. Any thread.
 */
final class Buffers {

    private static final int MIN_SHIFT = 4;
    private static final int MAX_SHIFT = 20;
    private static final long KEEP_BYTES = 8 << 20;

    private final Kind<byte[]> bytes = new Kind<>(1);
    private final Kind<int[]> ints = new Kind<>(4);
    private final Kind<long[]> longs = new Kind<>(8);

    /** Free arrays of one element type, by size (1 << shift elements). */
    private static final class Kind<A> {
        private final int elementBytes;
        @SuppressWarnings("unchecked")
        private final ArrayDeque<A>[] free = new ArrayDeque[MAX_SHIFT + 1];

        Kind(int elementBytes) {
            this.elementBytes = elementBytes;
            for (int s = MIN_SHIFT; s <= MAX_SHIFT; s++) {
                free[s] = new ArrayDeque<>();
            }
        }

        A take(int shift) {
            ArrayDeque<A> f = free[shift];
            synchronized (f) {
                return f.poll();
            }
        }

        void give(A array, int length) {
            int shift = Integer.numberOfTrailingZeros(length);
            if (length != 1 << shift || shift < MIN_SHIFT || shift > MAX_SHIFT) {
                return; // not one of ours
            }
            ArrayDeque<A> f = free[shift];
            synchronized (f) {
                if ((long) (f.size() + 1) * length * elementBytes <= KEEP_BYTES) {
                    f.push(array);
                }
            }
        }
    }

    private static int shift(int n) {
        return Math.max(MIN_SHIFT, 32 - Integer.numberOfLeadingZeros(Math.max(1, n) - 1));
    }

    /** An array of at least {@code n} bytes (its contents are whatever it held before). */
    byte[] bytes(int n) {
        int s = shift(n);
        if (s > MAX_SHIFT) {
            return new byte[n];
        }
        byte[] a = bytes.take(s);
        return a != null ? a : new byte[1 << s];
    }

    int[] ints(int n) {
        int s = shift(n);
        if (s > MAX_SHIFT) {
            return new int[n];
        }
        int[] a = ints.take(s);
        return a != null ? a : new int[1 << s];
    }

    long[] longs(int n) {
        int s = shift(n);
        if (s > MAX_SHIFT) {
            return new long[n];
        }
        long[] a = longs.take(s);
        return a != null ? a : new long[1 << s];
    }

    void give(byte[] a) {
        bytes.give(a, a.length);
    }

    void give(int[] a) {
        ints.give(a, a.length);
    }

    void give(long[] a) {
        longs.give(a, a.length);
    }
}
