package io.kinesin.kernel.logbus;

import io.kinesin.spi.FramedLines;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.Stream;

import java.time.Instant;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;

/**
 * Consecutive lines of one stream of one instance, as the pump framed them: what a sink's
 * queue holds and what {@link io.kinesin.spi.LogSink#write} gets. The lines sit in one array,
 * each followed by a newline, so that a sink writing them as they are writes the array. Sinks
 * read them as {@link FramedLines} (what {@link io.kinesin.spi.LineFormat.Encoder#appendAll}
 * does), or as {@link LogLine}s, made (and their bytes copied) on each {@link #get}.
 * Immutable once the pump hands it over, and shared by every sink of the stream; when the last
 * of them is done with it ({@link #release}), its arrays go back to the {@link Buffers}.
 */
final class Batch extends AbstractList<LogLine> implements FramedLines, RandomAccess {

    /** Whose lines these are. */
    record Origin(String service, int instance, Stream stream) {
    }

    private final Origin origin;
    private final byte[] data;
    private final int count;
    /** ends[i]: where line i's newline is; line i starts after line i-1's. */
    private final int[] ends;
    /** Nanoseconds since the epoch: when kinesin read the line; strictly increasing within a stream. */
    private final long[] at;
    /** null when no line was cut. */
    private final boolean[] cut;
    /** Where the arrays go back to; null: not pooled. */
    private final Buffers buffers;
    /** Sinks not done with it yet. */
    private volatile int holders;

    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<Batch> HOLDERS =
            java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(Batch.class, "holders");

    /**
     * @param holders how many sinks it goes to: each calls {@link #release} once when done
     */
    Batch(Origin origin, byte[] data, int count, int[] ends, long[] at, boolean[] cut, Buffers buffers, int holders) {
        this.origin = origin;
        this.data = data;
        this.count = count;
        this.ends = ends;
        this.at = at;
        this.cut = cut;
        this.buffers = buffers;
        this.holders = holders;
    }

    Batch(Origin origin, byte[] data, int count, int[] ends, long[] at, boolean[] cut) {
        this(origin, data, count, ends, at, cut, null, 0);
    }

    /**
     * One sink is done with it (written, dropped, or never to be). After the last one, no sink
     * may look at it again: its arrays hold the next batches. The bus calls this, never a sink.
     */
    void release() {
        if (HOLDERS.decrementAndGet(this) == 0 && buffers != null) {
            buffers.give(data);
            buffers.give(ends);
            buffers.give(at);
        }
    }

    Origin origin() {
        return origin;
    }

    @Override
    public String service() {
        return origin.service();
    }

    @Override
    public int instance() {
        return origin.instance();
    }

    @Override
    public Stream output() {
        return origin.stream();
    }

    /** Every line followed by its newline, in {@code [0, length())}. */
    @Override
    public byte[] data() {
        return data;
    }

    int length() {
        return count == 0 ? 0 : ends[count - 1] + 1;
    }

    @Override
    public int start(int i) {
        return i == 0 ? 0 : ends[i - 1] + 1;
    }

    /** Where line i's text ends (its newline). */
    @Override
    public int end(int i) {
        return ends[i];
    }

    @Override
    public long at(int i) {
        return at[i];
    }

    @Override
    public boolean cut(int i) {
        return cut != null && cut[i];
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public LogLine get(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(i);
        }
        return new LogLine(origin.service(), origin.instance(), origin.stream(),
                Instant.ofEpochSecond(0, at[i]), Arrays.copyOfRange(data, start(i), ends[i]), cut(i));
    }

    @Override
    public boolean equals(Object o) {
        return this == o; // a batch is one handover, not a value
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
