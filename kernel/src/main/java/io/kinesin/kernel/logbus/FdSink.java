package io.kinesin.kernel.logbus;

import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.NativeException;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A built-in sink that writes formatted lines to an fd: the console (kinesin's stdout or
 * stderr) and, until the file-sink plugin replaces it, a file. A {@code raw} batch from the bus
 * is written as it is, one array; other formats go through a {@link LineEncoder}. A write that
 * fails part way keeps its place: the bus retries the same batch, and the rest of it follows,
 * with no line written twice. EAGAIN (a child made a shared stdout non-blocking) is waited
 * out. Called by the sink's worker thread only.
 */
abstract class FdSink implements LogSink, SinkWorker.Progress {

    /** How long one wait for a non-blocking fd to take more lasts before it asks again. */
    private static final int POLL_MILLIS = 1000;

    private final SinkSpec.Format format;
    private final LineEncoder encoder;
    private final int chunk;
    private final boolean pollFirst;
    private volatile boolean stopped;
    private final MemorySegment scratch;
    private volatile List<LogLine> current;
    private byte[] bytes;
    private int length;
    private Batch raw;
    private int offset;
    private volatile int linesWritten;

    /**
     * @param chunk     the most one write(2) takes; ends after a newline when it can, so that a line is
     *                  not split by another writer of the same pipe
     * @param pollFirst wait with poll(2) until the fd takes a chunk, so that the thread is never
     *                  caught in a write it cannot leave (a pipe whose reader stopped reading)
     */
    FdSink(SinkSpec.Format format, boolean colour, int chunk, boolean pollFirst) {
        this.format = format;
        this.encoder = new LineEncoder(format, colour);
        this.chunk = chunk;
        this.pollFirst = pollFirst;
        this.scratch = Arena.ofAuto().allocate(chunk);
    }

    /** The fd written to now. */
    abstract int fd();

    @Override
    public void write(List<LogLine> batch) throws IOException {
        if (batch != current) {
            if (format == SinkSpec.Format.RAW && batch instanceof Batch b) {
                raw = b;
                bytes = b.data();
                length = b.length();
            } else {
                raw = null;
                encoder.trim();
                encoder.encode(batch);
                bytes = encoder.out;
                length = encoder.length;
            }
            offset = 0;
            linesWritten = 0;
            current = batch;
        }
        int fd = fd();
        int lines = batch.size();
        int done = linesWritten;
        while (offset < length) {
            boolean ready = !pollFirst || Fds.writable(fd, POLL_MILLIS);
            if (stopped) { // after the wait: nothing is written once the bus has counted what is left
                throw new IOException("kinesin is exiting; the rest is counted as undelivered");
            }
            if (!ready) {
                continue;
            }
            int n;
            try {
                n = Fds.write(fd, bytes, offset, chunkLength(done, lines), scratch);
            } catch (NativeException e) {
                throw new IOException(e.getMessage(), e);
            }
            if (n == Fds.WOULD_BLOCK || n == 0) {
                if (!pollFirst) {
                    Fds.writable(fd, POLL_MILLIS);
                }
                continue;
            }
            offset += n;
            while (done < lines && lineEnd(done) <= offset) {
                done++;
            }
            linesWritten = done;
        }
    }

    /** Up to a chunk, ending after the last newline within it when there is one. */
    private int chunkLength(int fromLine, int lines) {
        int max = Math.min(length, offset + chunk);
        if (max == length) {
            return max - offset;
        }
        int end = offset;
        for (int i = fromLine; i < lines; i++) {
            int e = lineEnd(i);
            if (e > max) {
                break;
            }
            end = e;
        }
        return (end > offset ? end : max) - offset;
    }

    private int lineEnd(int i) {
        return raw != null ? raw.end(i) + 1 : encoder.lineEnds[i];
    }

    @Override
    public int linesWritten(List<LogLine> batch) {
        return batch == current ? linesWritten : 0;
    }

    @Override
    public void stop() {
        stopped = true;
    }
}
