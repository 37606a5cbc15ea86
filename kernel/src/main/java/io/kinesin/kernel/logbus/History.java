package io.kinesin.kernel.logbus;

import io.kinesin.spi.FramedLines;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.Stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The last lines of every stream, in memory, for {@code kinesin logs}: a built-in sink the bus
 * attaches to every stream it reads ({@code kinesin.control.history} lines per stream). It is
 * fed like any sink, on its own worker thread from its own queue, so the pump only hands it the
 * batch it already made; readers (the control socket's threads) take copies under a lock the
 * pump never touches.
 */
public final class History implements LogSink {

    /** The name its worker goes by in metrics and kinesin's own log. */
    public static final String SINK_NAME = "kinesin:history";
    /** {@code kinesin.control.history}'s default. */
    public static final int DEFAULT_LINES = 1000;
    /** What a stream's ring holds at most (its lines with their newlines), whatever their count: bounds kinesin's memory. */
    static final long MAX_BYTES_PER_STREAM = 1 << 20;

    /**
     * One line, numbered in the order the history received it (across streams), as a reader
     * gets it: made (and its text copied out of the ring) only when a reader asks.
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

    /**
     * One stream's last lines in circular arrays: the texts in one byte ring (a line may wrap
     * around its end), the rest in rings of primitives, all of power-of-two sizes (an index is a
     * mask, not a division). A batch's lines are copied in with one copy of their bytes, as the
     * pump laid them out (each followed by its newline), and writing allocates nothing once the
     * arrays have grown to what the stream needs, so a stream that floods costs one copy of its
     * last lines per batch, not garbage.
     */
    private static final class Ring {
        final Key key;
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

        long seqOf(int k) {
            return seq[(head + k) & (seq.length - 1)];
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
    private final Map<Key, Ring> rings = new LinkedHashMap<>();
    private long seq;

    /** @param perStream lines kept per stream (of each instance) */
    public History(int perStream) {
        if (perStream < 1) {
            throw new IllegalArgumentException("history must keep 1 line or more per stream, not " + perStream);
        }
        this.perStream = perStream;
    }

    @Override
    public void write(List<LogLine> batch) {
        if (batch.isEmpty()) {
            return;
        }
        // a batch is one stream's; only its last perStream lines can stay
        int from = Math.max(0, batch.size() - perStream);
        lock.lock();
        try {
            seq += from; // the lines skipped had their numbers too
            if (batch instanceof FramedLines f) {
                ring(new Key(f.service(), f.instance(), f.output())).addAll(seq + 1, f, from, perStream);
                seq += f.size() - from;
            } else {
                LogLine first = batch.getFirst();
                Ring ring = ring(new Key(first.service(), first.instance(), first.stream()));
                for (int i = from; i < batch.size(); i++) {
                    LogLine l = batch.get(i);
                    ring.add(++seq, l.at().getEpochSecond() * NANOS + l.at().getNano(), l.text(), 0, l.text().length, l.cut(), perStream);
                }
            }
            added.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private Ring ring(Key key) {
        Ring ring = rings.get(key);
        if (ring == null) {
            ring = new Ring(key);
            rings.put(key, ring);
        }
        return ring;
    }

    /** The last {@code n} lines of each stream of {@code service} (null: every service), oldest first. */
    public List<Entry> last(String service, int n) {
        List<Entry> out = new ArrayList<>();
        lock.lock();
        try {
            for (var e : rings.entrySet()) {
                if (service == null || e.getKey().service().equals(service)) {
                    Ring ring = e.getValue();
                    for (int k = Math.max(0, ring.size - n); k < ring.size; k++) {
                        out.add(ring.entry(k));
                    }
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
     * waits up to {@code wait} for one. A follower slower than the rings misses what they lost.
     */
    public List<Entry> after(long after, String service, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        lock.lock();
        try {
            while (true) {
                List<Entry> out = new ArrayList<>();
                if (seq > after) {
                    for (var e : rings.entrySet()) {
                        if (service == null || e.getKey().service().equals(service)) {
                            Ring ring = e.getValue();
                            for (int k = ring.size - 1; k >= 0 && ring.seqOf(k) > after; k--) {
                                out.add(ring.entry(k));
                            }
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

    @Override
    public void close() {
    }
}
