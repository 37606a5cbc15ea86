package io.kinesin.kernel.logbus;

import io.kinesin.kernel.process.Poller;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;

/**
 * One pipe a child writes to, and the batch its lines are gathered in. Reads are framed into
 * lines (never split, never merged; a line longer than the maximum is cut, each piece but the
 * last flagged, and never inside a UTF-8 character), each stamped with the time it was read
 * (strictly increasing), and sealed into a {@link Batch} by the stream's {@link Output.Buffer}.
 * A sealed batch goes to every sink of the stream; a full queue either holds the source back
 * ({@code block}: not read until there is room) or drops the batch for that sink ({@code drop}).
 * Used by the pump thread only; every step leaves the state whole, so a pump restarted after a
 * failure goes on where it was.
 */
final class Source {

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final int INITIAL_BYTES = 1024;
    /** A buffer bigger than this shrinks back once its source has been quiet for {@link #QUIET_NANOS}. */
    private static final int SHRINK_ABOVE = 64 * 1024;
    private static final long QUIET_NANOS = 1_000_000_000L;

    final int fd;
    final Batch.Origin origin;
    private final SinkWorker[] sinks;
    private final long allSinks;
    private final Output.Overflow overflow;
    private final int maxLine;
    private final int batchLines;
    private final int batchBytes;
    private final long flushNanos;
    private final LogCounters.Read counted;
    private final Buffers buffers;
    /** Where every batch also goes, for {@code kinesin logs}; null: nowhere. */
    private final History history;

    /** {@code [base, lineStart)}: the batch's lines, each with its newline; {@code [lineStart, len)}: a partial line. */
    private byte[] buf = new byte[INITIAL_BYTES];
    private LineWatch watch;
    private int base;
    private int lineStart;
    /** Framed up to here. */
    private int scanned;
    private int len;
    private int count;
    private int[] ends = new int[16];
    private long[] at = new long[16];
    private boolean[] cut;
    private long lastAt;
    private long readAt;
    private long lastRead = System.nanoTime();
    private long firstLineNanos;
    private int uncountedLines;

    /** Batches not yet in every sink's queue, oldest first. */
    private final ArrayDeque<Delivery> pending = new ArrayDeque<>();
    /** Every writer has closed the pipe (seen while held back): the child has ended. */
    boolean hungUp;
    /** At end of file (or kinesin's last read): nothing more comes; the fd is the pump's to close. */
    boolean ended;
    /** When it was parked (held back with its writer gone), to pick the oldest; 0: not yet. */
    long parkedSeq;
    /** Bytes read since windowStart, and whether the pipe was made bigger for a busy child: the pump's. */
    long windowStart;
    long windowBytes;
    boolean bigPipe;
    /** Not polled until then (System.nanoTime(); 0: polled): see {@link Pump}'s rest for big pipes. */
    long restUntil;
    /** Too many ended children wait: what does not fit in a queue now is dropped. */
    private boolean forced;
    /** kinesin is exiting: what does not fit in a queue now is undelivered. */
    private boolean exiting;

    private static final class Delivery {
        final Batch batch;
        /** Bit k set: sinks[k] has not taken it yet. */
        long left;

        Delivery(Batch batch, long left) {
            this.batch = batch;
            this.left = left;
        }
    }

    Source(int fd, Batch.Origin origin, SinkWorker[] sinks, Output output, int maxLine, LogCounters counters, Buffers buffers) {
        this(fd, origin, sinks, output, maxLine, counters, buffers, null, null);
    }

    /**
     * @param history where every batch also goes; null: nowhere
     * @param watch   sees each line until it has what it waits for; null: none
     */
    Source(int fd, Batch.Origin origin, SinkWorker[] sinks, Output output, int maxLine, LogCounters counters, Buffers buffers,
           History history, LineWatch watch) {
        this.watch = watch;
        if (sinks.length > 64) {
            throw new IllegalArgumentException("a stream can go to at most 64 sinks");
        }
        this.fd = fd;
        this.origin = origin;
        this.sinks = sinks;
        this.allSinks = sinks.length == 64 ? -1L : (1L << sinks.length) - 1;
        this.overflow = output.overflow();
        this.maxLine = maxLine;
        this.batchLines = output.buffer().lines();
        this.batchBytes = output.buffer().bytes();
        this.flushNanos = output.buffer().flush().toNanos();
        this.counted = counters.readCounter(origin.service(), origin.stream());
        this.buffers = buffers;
        this.history = history;
    }

    /** Not to be read: a sink's queue is full and the stream blocks. A hang-up still wakes it. */
    boolean held() {
        return !pending.isEmpty();
    }

    /**
     * Held back after its writer ended: not even polled (a hang-up would wake the pump for
     * ever) until its sinks have room. The pipe keeps what the child left, and the fd stays
     * open meanwhile, so the pump keeps only a few such sources ({@link Pump#PARKED_MAX}).
     */
    boolean parked() {
        return held() && (hungUp || ended);
    }

    /** Nothing left to read and nothing waiting: the pump forgets it. */
    boolean done() {
        return ended && pending.isEmpty();
    }

    /** When its pipe was last read (System.nanoTime()). */
    long lastRead() {
        return lastRead;
    }

    /** When the batch being gathered must go out even if no more lines come; MAX_VALUE: never. */
    long flushDue() {
        return count > 0 && flushNanos > 0 ? firstLineNanos + flushNanos : Long.MAX_VALUE;
    }

    /**
     * Reads what its pipe holds (poll(2) said it can be read) and frames it. A busy source (one
     * with a big pipe) reads straight into its buffer, up to {@code max}; the others read through
     * the poller's buffer, up to what a default pipe holds, and keep only what they got: a quiet
     * source keeps a small buffer.
     *
     * @param wallNanos when it is read, in nanoseconds since the epoch
     * @return the byte count; 0 at end of file
     */
    int read(Poller poller, int max, long wallNanos, long now) {
        int n;
        if (bigPipe) {
            room(max);
            n = poller.readReady(fd, buf, len, max);
        } else {
            n = poller.read(fd, Math.min(max, Pump.PIPE_BYTES));
            if (n > 0) {
                room(n);
                poller.copyRead(n, buf, len);
            }
        }
        if (n > 0) {
            framed(n, wallNanos, now);
        }
        return n;
    }

    /** {@link #feed}, from an array: for benchmarks. */
    void feed(byte[] data, int offset, int n, long wallNanos, long now) {
        room(n);
        System.arraycopy(data, offset, buf, len, n);
        framed(n, wallNanos, now);
    }

    private void framed(int n, long wallNanos, long now) {
        len += n;
        readAt = wallNanos;
        lastRead = now;
        counted.bytes.addAndGet(n);
        frame();
    }

    /**
     * Once per pump round: frames what a failed round left, sends out a batch that is due
     * ({@code flush} zero: any batch, at the end of the read that brought it), and offers
     * what waits for a queue again.
     */
    void tick(long now) {
        frame();
        if (count > 0 && (flushNanos == 0 || now - firstLineNanos >= flushNanos)) {
            seal();
        }
        deliver();
        if (buf.length > SHRINK_ABOVE && count == 0 && now - lastRead > QUIET_NANOS && len - base <= INITIAL_BYTES) {
            byte[] small = buffers.bytes(INITIAL_BYTES);
            System.arraycopy(buf, base, small, 0, len - base);
            buffers.give(buf);
            lineStart -= base;
            scanned -= base;
            len -= base;
            base = 0;
            buf = small;
        }
    }

    /** End of file: a last line without its newline still counts. */
    void end() {
        frame();
        if (len > lineStart) {
            room(1);
            buf[len++] = '\n';
            frame();
        }
        if (count > 0) {
            seal();
        }
        ended = true; // last: if anything above throws, the pump finds the end of file again
        deliver();
    }

    /** From now on, what a full queue does not take is dropped for that sink (too many ended children wait). */
    void force() {
        forced = true;
        deliver();
    }

    /** kinesin is exiting and the sinks' time is up: what waits is counted as undelivered. */
    void giveUp() {
        exiting = true;
        if (!ended) {
            end();
        }
        deliver();
    }

    private void frame() {
        if (scanned == len) {
            return;
        }
        try {
            while (scanned < len) {
                int limit = Math.min(len, lineStart + maxLine + 1);
                int nl = indexOfNewline(buf, scanned, limit);
                if (nl >= 0) {
                    scanned = nl + 1;
                    complete(nl, false);
                } else if (limit - lineStart > maxLine) {
                    // maxLine bytes and one more, none a newline: cut, and go on with the rest as the next line
                    int at = cutPoint(lineStart + maxLine);
                    System.arraycopy(buf, at, buf, at + 1, len - at);
                    buf[at] = '\n';
                    len++;
                    scanned = at + 1;
                    complete(at, true);
                } else {
                    scanned = limit;
                }
            }
        } finally {
            if (uncountedLines > 0) {
                counted.lines.addAndGet(uncountedLines);
                uncountedLines = 0;
            }
        }
    }

    /**
     * The first newline in {@code b[from, to)}, or -1: eight bytes at a time (a word with a zero
     * byte where the newline was, found with the usual carry trick), three times as fast as a
     * byte at a time under C1, which is what kinesin runs with.
     */
    static int indexOfNewline(byte[] b, int from, int to) {
        int i = from;
        for (int last = to - 8; i <= last; i += 8) {
            long w = (long) LONGS.get(b, i) ^ NEWLINES;
            long zero = (w - ONES) & ~w & HIGHS; // its lowest set bit marks the first zero byte
            if (zero != 0) {
                return i + (Long.numberOfTrailingZeros(zero) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Where to cut a line that is too long: at the maximum, or before a UTF-8 character the
     * maximum would split, so that no piece ends in half a character.
     */
    private int cutPoint(int at) {
        if ((buf[at] & 0xC0) != 0x80) {
            return at; // the next byte does not continue a character
        }
        for (int k = at - 1; k > lineStart && k >= at - 3; k--) {
            int b = buf[k] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue;
            }
            int length = b >= 0xF8 ? 0 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
            return length > 0 && k + length > at ? k : at;
        }
        return at;
    }

    private void complete(int newline, boolean isCut) {
        if (count == ends.length) {
            ends = Arrays.copyOf(ends, count * 2);
            at = Arrays.copyOf(at, count * 2);
            if (cut != null) {
                cut = Arrays.copyOf(cut, count * 2);
            }
        }
        ends[count] = newline - base;
        if (watch != null && watch.line(buf, lineStart, newline)) {
            watch = null;
        }
        long t = readAt > lastAt ? readAt : lastAt + 1;
        lastAt = t;
        at[count] = t;
        if (isCut) {
            if (cut == null) {
                cut = new boolean[ends.length];
            }
            cut[count] = true;
        }
        if (count == 0 && flushNanos > 0) {
            firstLineNanos = System.nanoTime();
        }
        count++;
        lineStart = newline + 1;
        uncountedLines++;
        if (count >= batchLines || lineStart - base >= batchBytes) {
            seal();
        }
    }

    private void seal() {
        int length = lineStart - base;
        byte[] data;
        byte[] next = null;
        if (base == 0 && length >= buf.length >> 1) {
            // most of the array is this batch: hand the array over, go on in another one
            next = buffers.bytes(buf.length);
            data = buf;
        } else {
            data = buffers.bytes(length);
            System.arraycopy(buf, base, data, 0, length);
        }
        int[] e = buffers.ints(count);
        System.arraycopy(ends, 0, e, 0, count);
        long[] a = buffers.longs(count);
        System.arraycopy(at, 0, a, 0, count);
        int holders = sinks.length + (history == null ? 0 : 1);
        Batch b = new Batch(origin, data, count, e, a, cut == null ? null : Arrays.copyOf(cut, count), buffers, Math.max(1, holders));
        pending.add(new Delivery(b, allSinks)); // if this throws, the lines are still here to seal again
        if (next != null) {
            int rest = len - lineStart;
            System.arraycopy(buf, lineStart, next, 0, rest);
            buf = next;
            scanned -= lineStart;
            len = rest;
            lineStart = 0;
        } else {
            base = lineStart;
        }
        count = 0;
        cut = null;
        if (holders == 0) {
            b.release(); // nobody takes it (a stream with no sink, and no history)
        } else if (history != null) {
            history.add(b); // last: if anything above throws, the lines are still here to seal again
        }
        deliver();
    }

    /** Offers waiting batches, oldest first; a sink that refuses one gets none of the later ones this time. */
    private void deliver() {
        if (pending.isEmpty()) {
            return;
        }
        long refused = 0;
        for (Iterator<Delivery> it = pending.iterator(); it.hasNext(); ) {
            Delivery d = it.next();
            for (long bits = d.left; bits != 0; bits &= bits - 1) {
                int k = Long.numberOfTrailingZeros(bits);
                long bit = 1L << k;
                SinkWorker sink = sinks[k];
                if ((refused & bit) == 0 && sink.offer(d.batch)) {
                    d.left &= ~bit;
                } else if (exiting) {
                    sink.unqueued(d.batch.size());
                    d.left &= ~bit;
                    d.batch.release();
                } else if (overflow == Output.Overflow.DROP || forced) {
                    sink.drops.add(origin, d.batch.size(), forced ? "queue full; the writer has ended" : "queue full");
                    d.left &= ~bit;
                    d.batch.release();
                } else {
                    refused |= bit; // block: it waits, and the pipe is not read meanwhile
                }
            }
            if (d.left == 0) {
                it.remove();
            }
        }
    }

    /** Makes room for {@code n} more bytes and the newlines that cuts may add. */
    private void room(int n) {
        int need = n + n / maxLine + 2;
        if (len + need <= buf.length) {
            return;
        }
        int keep = len - base;
        byte[] to = base > 0 && keep + need <= buf.length ? buf : buffers.bytes(keep + need);
        System.arraycopy(buf, base, to, 0, keep);
        if (to != buf) {
            buffers.give(buf);
        }
        lineStart -= base;
        scanned -= base;
        len = keep;
        base = 0;
        buf = to;
    }
}
