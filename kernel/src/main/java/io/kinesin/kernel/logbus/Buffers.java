package io.kinesin.kernel.logbus;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The arrays batches are made of, taken again once every sink is done with their batch
 * ({@link Batch#release}): a burst of output then reuses a few warm arrays instead of filling
 * the heap with new ones for the collector. Arrays come in sizes of powers of two up to 64 Ki
 * elements, then in steps of 64 Ki up to 1 Mi (so that a batch of a little more than 256 KiB
 * does not hold 512 KiB); each size keeps at most so many bytes for later (see {@link #keepFor}),
 * the rest is left to the collector. Any thread.
 */
final class Buffers {

    private static final int MIN_SHIFT = 4;
    private static final int STEP_SHIFT = 16;
    private static final int STEP = 1 << STEP_SHIFT;
    private static final int MAX = 1 << 20;
    /** Classes: 0..16 powers of two (16 is 64 Ki), then 17..31 for 2..16 steps of 64 Ki. */
    private static final int CLASSES = STEP_SHIFT + MAX / STEP;
    /** The least a size keeps, whatever the queues. */
    static final long DEFAULT_KEEP_BYTES = 8 << 20;

    private final Kind<byte[]> bytes;
    private final Kind<int[]> ints;
    private final Kind<long[]> longs;
    /** Byte arrays made because the pool had none of the size, by size. */
    private final AtomicLongArray madeBytes = new AtomicLongArray(CLASSES + 1);

    Buffers() {
        this(DEFAULT_KEEP_BYTES);
    }

    /** @param keepBytes what each size keeps at most */
    Buffers(long keepBytes) {
        bytes = new Kind<>(1, keepBytes);
        ints = new Kind<>(4, keepBytes);
        longs = new Kind<>(8, keepBytes);
    }

    /**
     * What a bus whose fullest queue holds {@code queueBytes} keeps of each size: every array a
     * burst into that queue can hold at once (the queue's batches, each in an array of up to
     * twice its bytes, and a read's worth more waiting in the pump), so that the next burst
     * makes no new array. Those arrays were in the heap at the burst's peak anyway; dropped, the
     * next burst would make (and the JVM zero) new ones in fresh memory.
     */
    static long keepFor(long queueBytes) {
        return Math.max(DEFAULT_KEEP_BYTES, 2 * (queueBytes + Pump.READ_BYTES));
    }

    /** Free arrays of one element type, by size (1 << shift elements). */
    private static final class Kind<A> {
        private final int elementBytes;
        private final long keepBytes;
        @SuppressWarnings("unchecked")
        private final ArrayDeque<A>[] free = new ArrayDeque[CLASSES + 1];

        Kind(int elementBytes, long keepBytes) {
            this.elementBytes = elementBytes;
            this.keepBytes = keepBytes;
            for (int c = MIN_SHIFT; c <= CLASSES; c++) {
                free[c] = new ArrayDeque<>();
            }
        }

        int count(int sizeClass) {
            ArrayDeque<A> f = free[sizeClass];
            synchronized (f) {
                return f.size();
            }
        }

        A take(int sizeClass) {
            ArrayDeque<A> f = free[sizeClass];
            synchronized (f) {
                return f.poll();
            }
        }

        void give(A array, int length) {
            int c = sizeClass(length);
            if (c < 0 || size(c) != length) {
                return; // not one of ours
            }
            ArrayDeque<A> f = free[c];
            synchronized (f) {
                if ((long) (f.size() + 1) * length * elementBytes <= keepBytes) {
                    f.push(array);
                }
            }
        }
    }

    /** The class of the smallest array that holds n elements; -1 beyond the largest. */
    private static int sizeClass(int n) {
        if (n <= STEP) {
            return Math.max(MIN_SHIFT, 32 - Integer.numberOfLeadingZeros(Math.max(1, n) - 1));
        }
        return n > MAX ? -1 : STEP_SHIFT + (n + STEP - 1) / STEP - 1;
    }

    private static int size(int sizeClass) {
        return sizeClass <= STEP_SHIFT ? 1 << sizeClass : (sizeClass - STEP_SHIFT + 1) * STEP;
    }

    /** An array of at least {@code n} bytes (its contents are whatever it held before). */
    byte[] bytes(int n) {
        int c = sizeClass(n);
        if (c < 0) {
            return new byte[n];
        }
        byte[] a = bytes.take(c);
        if (a != null) {
            return a;
        }
        madeBytes.incrementAndGet(c);
        return new byte[size(c)];
    }

    /** How many byte arrays of the size that holds {@code n} bytes it has made (the pool had none). */
    long made(int n) {
        return madeBytes.get(sizeClass(n));
    }

    /** How many byte arrays of the size that holds {@code n} bytes the pool keeps now. */
    int kept(int n) {
        return bytes.count(sizeClass(n));
    }

    int[] ints(int n) {
        int c = sizeClass(n);
        if (c < 0) {
            return new int[n];
        }
        int[] a = ints.take(c);
        return a != null ? a : new int[size(c)];
    }

    long[] longs(int n) {
        int c = sizeClass(n);
        if (c < 0) {
            return new long[n];
        }
        long[] a = longs.take(c);
        return a != null ? a : new long[size(c)];
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
