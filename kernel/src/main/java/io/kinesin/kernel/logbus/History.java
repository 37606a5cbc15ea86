package io.kinesin.kernel.logbus;

import io.kinesin.spi.FramedLines;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.Stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The last lines of every stream, in memory, for {@code kinesin logs}
 * ({@code kinesin.control.history} lines per stream, at most {@link #MAX_BYTES_PER_STREAM}).
 * The pump hands it every batch it seals, beside the stream's sinks ({@link #add}): the history
 * keeps the batch itself, not a copy, and lets it go once newer batches hide it from every
 * reader. So a flood costs it no copy and no thread. Readers (the control socket's threads) take
 * copies of the lines under a lock; the pump never waits for it: while a reader holds it,
 * batches wait in the pump's own queue and go in at the pump's next round ({@link #catchUp}).
 */
public final class History {

    /** {@code kinesin.control.history}'s default. */
    public static final int DEFAULT_LINES = 1000;
    /** What a stream's lines take at most (each with its newline), whatever their count: bounds kinesin's memory. */
    static final long MAX_BYTES_PER_STREAM = 1 << 20;
    /** A stream's newest batches kept as they are, at most; older ones are copied, unless newer ones hide them. */
    static final int KEPT_BATCHES = 4;

    /**
     * One line, numbered in the order the history received it (across streams), as a reader
     * gets it: made (and its text copied out) only when a reader asks.
     */
    public record Entry(long seq, Key key, long atNanos, byte[] text, boolean cut) {

        public LogLine line() {
            return new LogLine(key.service(), key.instance(), key.stream(),
                    Instant.ofEpochSecond(Math.floorDiv(atNanos, NANOS), Math.floorMod(atNanos, NANOS)), text, cut);
        }
    }

    /** One stream of one instance. */
    public record Key(String service, int instance, Stream stream) {
    }

    private static final long NANOS = 1_000_000_000L;

    /** A batch kept as the pump sealed it, its lines numbered from {@code first}. */
    private record Kept(Batch batch, long first) {
    }

    /**
     * One stream's last lines: its newest batches as they are ({@link #kept}, at most
     * {@link #KEPT_BATCHES}), and older lines copied into circular arrays (the copies). A stream
     * that floods sends batches that each hide the ones before them from every reader: those are
     * let go, and nothing is copied. Only a stream whose batches are small (a few lines each)
     * pays a copy, once per line, and keeps a few arrays rather than many small batches.
     *
     * <p>The copies: the texts in one byte ring (a line may wrap around its end), the rest in
     * rings of primitives, all of power-of-two sizes (an index is a mask, not a division). A
     * batch's lines are copied in with one copy of their bytes, as the pump laid them out (each
     * followed by its newline), and copying allocates nothing once the arrays have grown to what
     * the stream needs.
     */
    private static final class Ring {
        final Key key;
        /** The newest batches, oldest first; every copy is older than all of them. */
        final ArrayDeque<Kept> kept = new ArrayDeque<>();
        /** Lines and bytes (with newlines) of the kept batches. */
        int keptLines;
        long keptBytes;
        /** Bytes at absolute position p sit at {@code p & (bytes.length - 1)}. */
        byte[] bytes = new byte[4096];
        /** Where the next line's bytes go (absolute), and the bytes the held lines take (with their newlines). */
        long end;
        long held;
        /** Line k of {@code size} (0: the oldest) is at index {@code (head + k) & (seq.length - 1)}. */
        long[] seq = new long[16];
        long[] at = new long[16];
        long[] pos = new long[16];
        int[] length = new int[16];
        boolean[] cut = new boolean[16];
        int head;
        int size;

        Ring(Key key) {
            this.key = key;
        }

        /** Makes room for {@code lines} more lines of {@code bytes} bytes (with newlines), dropping the oldest. */
        private void room(int lines, long bytes, int maxLines) {
            while (size > 0 && (size + lines > maxLines || held + bytes > MAX_BYTES_PER_STREAM)) {
                held -= length[head] + 1L;
                head = (head + 1) & (seq.length - 1);
                size--;
            }
            if (size + lines > seq.length) {
                growLines(Math.min(Integer.highestOneBit(Math.max(1, maxLines - 1)) << 1, Integer.highestOneBit(size + lines - 1) << 1));
            }
            if (held + bytes > this.bytes.length) {
                growBytes((int) Math.min(MAX_BYTES_PER_STREAM, Long.highestOneBit(held + bytes - 1) << 1));
            }
        }

        private void note(long number, long atNanos, long start, int len, boolean isCut) {
            int i = (head + size) & (seq.length - 1);
            seq[i] = number;
            at[i] = atNanos;
            pos[i] = start;
            length[i] = len;
            cut[i] = isCut;
            size++;
        }

        /** Lines {@code [from, f.size())} of a batch, numbered from {@code first}. */
        void addAll(long first, FramedLines f, int from, int maxLines) {
            int to = f.size();
            long bytesFrom = f.start(from);
            long total = f.end(to - 1) + 1L - bytesFrom;
            while (total > MAX_BYTES_PER_STREAM && from < to - 1) { // one batch beyond the bound: its last lines
                from++;
                first++;
                total = f.end(to - 1) + 1L - f.start(from);
            }
            bytesFrom = f.start(from);
            if (total > MAX_BYTES_PER_STREAM) { // one line beyond the bound: its head
                add(first, f.at(from), f.data(), f.start(from), (int) (MAX_BYTES_PER_STREAM - 1), f.cut(from), maxLines);
                return;
            }
            room(to - from, total, maxLines);
            long base = end - bytesFrom;
            for (int i = from; i < to; i++) {
                note(first + (i - from), f.at(i), base + f.start(i), f.end(i) - f.start(i), f.cut(i));
            }
            copyIn(f.data(), (int) bytesFrom, (int) total, end);
            end += total;
            held += total;
        }

        /**
         * Keeps the newest batch: lets go of kept batches that newer ones hide from every reader
         * (and of the copies, older still), and copies the oldest kept batch beyond
         * {@link #KEPT_BATCHES}. Copies before letting go: if copying throws, nothing is lost.
         */
        void keep(Batch b, long first, int maxLines) {
            kept.addLast(new Kept(b, first));
            keptLines += b.size();
            keptBytes += b.length();
            while (kept.size() > 1) {
                Batch oldest = kept.peekFirst().batch();
                if (keptLines - oldest.size() < maxLines && keptBytes - oldest.length() < MAX_BYTES_PER_STREAM) {
                    break; // some of its lines can still be seen
                }
                letGoOldest();
                head = 0;
                size = 0;
                held = 0;
            }
            while (kept.size() > KEPT_BATCHES) {
                Kept oldest = kept.peekFirst();
                addAll(oldest.first(), oldest.batch(), 0, maxLines);
                letGoOldest();
            }
        }

        private void letGoOldest() {
            Batch b = kept.pollFirst().batch();
            keptLines -= b.size();
            keptBytes -= b.length();
            b.release();
        }

        /**
         * What readers see, newest first, into {@code out}: the kept batches' lines, then the
         * copies, as long as they are newer than {@code after} and fit {@code maxLines} and
         * {@link #MAX_BYTES_PER_STREAM} together (the newest line always: if it alone is beyond
         * the bound, its head).
         */
        void visible(int maxLines, long after, List<Entry> out) {
            int lines = 0;
            long bytes = 0;
            for (Iterator<Kept> it = kept.descendingIterator(); it.hasNext(); ) {
                Kept k = it.next();
                Batch b = k.batch();
                for (int i = b.size() - 1; i >= 0; i--) {
                    int len = b.end(i) - b.start(i);
                    if (lines == maxLines || k.first() + i <= after || lines > 0 && bytes + len + 1 > MAX_BYTES_PER_STREAM) {
                        return;
                    }
                    len = (int) Math.min(len, MAX_BYTES_PER_STREAM - 1);
                    out.add(new Entry(k.first() + i, key, b.at(i), Arrays.copyOfRange(b.data(), b.start(i), b.start(i) + len), b.cut(i)));
                    lines++;
                    bytes += len + 1;
                }
            }
            for (int k = size - 1; k >= 0; k--) {
                int i = (head + k) & (seq.length - 1);
                if (lines == maxLines || seq[i] <= after || lines > 0 && bytes + length[i] + 1 > MAX_BYTES_PER_STREAM) {
                    return;
                }
                out.add(entry(k));
                lines++;
                bytes += length[i] + 1L;
            }
        }

        /** One line (its text without a newline). */
        void add(long number, long atNanos, byte[] text, int from, int len, boolean isCut, int maxLines) {
            len = (int) Math.min(len, MAX_BYTES_PER_STREAM - 1); // a line beyond the bound: its head
            room(1, len + 1L, maxLines);
            note(number, atNanos, end, len, isCut);
            copyIn(text, from, len, end);
            end += len + 1L; // the newline's place, as in a batch
            held += len + 1L;
        }

        /** The k-th oldest line as an entry. */
        Entry entry(int k) {
            int i = (head + k) & (seq.length - 1);
            byte[] text = new byte[length[i]];
            copyOut(pos[i], text, 0, length[i]);
            return new Entry(seq[i], key, at[i], text, cut[i]);
        }

        private void copyIn(byte[] src, int from, int len, long at) {
            int i = (int) (at & (bytes.length - 1));
            int first = Math.min(len, bytes.length - i);
            System.arraycopy(src, from, bytes, i, first);
            System.arraycopy(src, from + first, bytes, 0, len - first);
        }

        private void copyOut(long at, byte[] dst, int to, int len) {
            int i = (int) (at & (bytes.length - 1));
            int first = Math.min(len, bytes.length - i);
            System.arraycopy(bytes, i, dst, to, first);
            System.arraycopy(bytes, 0, dst, to + first, len - first);
        }

        private void growBytes(int capacity) {
            byte[] kept = new byte[(int) held];
            long from = end - held;
            copyOut(from, kept, 0, kept.length);
            bytes = new byte[capacity];
            copyIn(kept, 0, kept.length, from);
        }

        private void growLines(int capacity) {
            long[] s = new long[capacity];
            long[] a = new long[capacity];
            long[] p = new long[capacity];
            int[] l = new int[capacity];
            boolean[] c = new boolean[capacity];
            for (int k = 0; k < size; k++) {
                int i = (head + k) & (seq.length - 1);
                s[k] = seq[i];
                a[k] = at[i];
                p[k] = pos[i];
                l[k] = length[i];
                c[k] = cut[i];
            }
            seq = s;
            at = a;
            pos = p;
            length = l;
            cut = c;
            head = 0;
        }
    }

    private final int perStream;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition added = lock.newCondition();
    private final Map<Batch.Origin, Ring> rings = new LinkedHashMap<>();
    /** The number of the newest line; guarded by {@link #lock}. */
    private long seq;
    /** Batches sealed while a reader held the lock: the pump's, in the order sealed. */
    private final ArrayDeque<Batch> waiting = new ArrayDeque<>();
    /** The ring of the last batch kept: a flood's batches are all one stream's. */
    private Batch.Origin lastOrigin;
    private Ring lastRing;

    /** @param perStream lines kept per stream (of each instance) */
    public History(int perStream) {
        if (perStream < 1) {
            throw new IllegalArgumentException("history must keep 1 line or more per stream, not " + perStream);
        }
        this.perStream = perStream;
    }

    /**
     * A batch the pump sealed, counted among its holders for the history: kept, and released
     * once no reader can see its lines any more. Pump thread; never waits.
     */
    void add(Batch b) {
        waiting.add(b);
        catchUp();
    }

    /**
     * Puts in what waits, unless a reader holds the lock. Pump thread, each round.
     *
     * @return false when batches still wait: call again soon
     */
    boolean catchUp() {
        if (waiting.isEmpty()) {
            return true;
        }
        if (!lock.tryLock()) {
            return false;
        }
        try {
            for (Batch b; (b = waiting.peek()) != null; ) {
                keep(b);
                waiting.poll();
            }
            added.signalAll();
        } finally {
            lock.unlock();
        }
        return true;
    }

    private void keep(Batch b) {
        Ring ring = lastOrigin == b.origin() ? lastRing : rings.computeIfAbsent(b.origin(),
                o -> new Ring(new Key(o.service(), o.instance(), o.stream())));
        ring.keep(b, seq + 1, perStream);
        seq += b.size();
        lastOrigin = b.origin();
        lastRing = ring;
    }

    /** Runs {@code r} holding the readers' lock, as a reader does: a test seam. */
    void whileReading(Runnable r) {
        lock.lock();
        try {
            r.run();
        } finally {
            lock.unlock();
        }
    }

    /** The last {@code n} lines of each stream of {@code service} (null: every service), oldest first. */
    public List<Entry> last(String service, int n) {
        List<Entry> out = new ArrayList<>();
        lock.lock();
        try {
            for (Ring ring : rings.values()) {
                if (service == null || ring.key.service().equals(service)) {
                    ring.visible(Math.min(n, perStream), 0, out);
                }
            }
        } finally {
            lock.unlock();
        }
        out.sort(Comparator.comparingLong(Entry::seq));
        return out;
    }

    /** The number of the newest line so far (0: none): where a follower starts. */
    public long newest() {
        lock.lock();
        try {
            return seq;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Lines of {@code service} (null: every service) newer than {@code after}, oldest first;
     * waits up to {@code wait} for one. A follower slower than the history misses what it let go.
     */
    public List<Entry> after(long after, String service, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        lock.lock();
        try {
            while (true) {
                List<Entry> out = new ArrayList<>();
                if (seq > after) {
                    for (Ring ring : rings.values()) {
                        if (service == null || ring.key.service().equals(service)) {
                            ring.visible(perStream, after, out);
                        }
                    }
                }
                long left = deadline - System.nanoTime();
                if (!out.isEmpty() || left <= 0) {
                    out.sort(Comparator.comparingLong(Entry::seq));
                    return out;
                }
                added.await(left, TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }
}
