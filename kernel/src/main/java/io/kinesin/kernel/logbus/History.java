package io.kinesin.kernel.logbus;

import io.kinesin.spi.FramedLines;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.Stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
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
    /** What a stream's ring holds at most, whatever its lines' lengths: bounds kinesin's memory. */
    static final long MAX_BYTES_PER_STREAM = 1 << 20;

    /**
     * One line, numbered in the order the history received it (across streams). Two objects a
     * line (this and its text): the {@link LogLine} is made only when a reader asks.
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

    private static final class Ring {
        final ArrayDeque<Entry> lines = new ArrayDeque<>();
        long bytes;
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
        int n = batch.size() - from;
        Key key;
        long[] at = new long[n];
        byte[][] text = new byte[n][];
        boolean[] cut = new boolean[n];
        if (batch instanceof FramedLines f) {
            key = new Key(f.service(), f.instance(), f.output());
            byte[] data = f.data();
            for (int i = 0; i < n; i++) {
                at[i] = f.at(from + i);
                text[i] = Arrays.copyOfRange(data, f.start(from + i), f.end(from + i));
                cut[i] = f.cut(from + i);
            }
        } else {
            LogLine first = batch.getFirst();
            key = new Key(first.service(), first.instance(), first.stream());
            for (int i = 0; i < n; i++) {
                LogLine l = batch.get(from + i);
                at[i] = l.at().getEpochSecond() * NANOS + l.at().getNano();
                text[i] = l.text();
                cut[i] = l.cut();
            }
        }
        lock.lock();
        try {
            Ring ring = rings.get(key);
            if (ring == null) {
                ring = new Ring();
                rings.put(key, ring);
            }
            seq += from; // the lines skipped had their numbers too
            for (int i = 0; i < n; i++) {
                ring.lines.addLast(new Entry(++seq, key, at[i], text[i], cut[i]));
                ring.bytes += text[i].length;
                while (ring.lines.size() > perStream || ring.bytes > MAX_BYTES_PER_STREAM && ring.lines.size() > 1) {
                    ring.bytes -= ring.lines.removeFirst().text().length;
                }
            }
            added.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The last {@code n} lines of each stream of {@code service} (null: every service), oldest first. */
    public List<Entry> last(String service, int n) {
        List<Entry> out = new ArrayList<>();
        lock.lock();
        try {
            for (var e : rings.entrySet()) {
                if (service == null || e.getKey().service().equals(service)) {
                    ArrayDeque<Entry> lines = e.getValue().lines;
                    int skip = Math.max(0, lines.size() - n);
                    for (Entry entry : lines) {
                        if (skip-- <= 0) {
                            out.add(entry);
                        }
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
                            for (var it = e.getValue().lines.descendingIterator(); it.hasNext(); ) {
                                Entry entry = it.next();
                                if (entry.seq() <= after) {
                                    break;
                                }
                                out.add(entry);
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
