package io.kinesin.kernel.logbus;

import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.NativeException;
import io.kinesin.spi.LineBuffer;
import io.kinesin.spi.LineFormat;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.Predicate;

/**
 * The built-in {@code console} sink: formatted lines to kinesin's stdout or stderr (or, in
 * tests, any fd). The fd may be shared with children ({@code inherit}) and with kinesin's own
 * log: writes of at most PIPE_BUF bytes that end after a newline, which on a pipe are atomic, so
 * no other writer's bytes land inside a line. Each write waits first until the fd takes it, so
 * that a reader that stopped reading leaves the thread waiting in poll(2), from where it can
 * leave at exit, not in write(2). A {@code raw} batch from the bus is written as it is, one
 * array; other formats go through the sink's {@link LineFormat.Encoder}. A write that fails part
 * way keeps its place: the bus retries the same batch, and the rest of it follows, with no line
 * written twice. EAGAIN (a child made a shared stdout non-blocking) is waited out. Closing
 * leaves kinesin's stdout and stderr open. Called by the sink's worker thread only.
 */
final class FdSink implements LogSink, SinkWorker.Progress {

    /** How long one wait for a non-blocking fd to take more lasts before it asks again. */
    private static final int POLL_MILLIS = 1000;
    /** The most one write(2) takes: PIPE_BUF, what a pipe writes atomically. */
    private static final int CHUNK = 4096;
    /** A buffer a burst grew past this is let go for a small one. */
    private static final int KEEP_BYTES = 1 << 20;

    private final int fd;
    private final boolean ownsFd;
    private boolean closed;
    private final LineFormat.Encoder encoder;
    private final LineBuffer encoded = new LineBuffer();
    private volatile boolean stopped;
    private final MemorySegment scratch;
    private volatile List<LogLine> current;
    private byte[] bytes;
    private int length;
    private Batch raw;
    private int offset;
    private volatile int linesWritten;

    /**
     * @param replicated whether a service runs several instances (its lines are prefixed {@code web.2})
     */
    FdSink(int fd, LineFormat format, Predicate<String> replicated) {
        this(fd, format, replicated, false);
    }

    /**
     * @param ownsFd close the fd on {@link #close} (an fd opened for the sink, not kinesin's stdout)
     */
    FdSink(int fd, LineFormat format, Predicate<String> replicated, boolean ownsFd) {
        this.fd = fd;
        this.ownsFd = ownsFd;
        this.encoder = format.encoder(replicated, Fds.isTerminal(fd));
        this.scratch = Arena.ofAuto().allocate(CHUNK);
    }

    @Override
    public void write(List<LogLine> batch) throws IOException {
        if (batch != current) {
            if (encoder.format() == LineFormat.RAW && batch instanceof Batch b) {
                raw = b;
                bytes = b.data();
                length = b.length();
            } else {
                raw = null;
                encoded.clear(KEEP_BYTES);
                encoder.appendAll(batch, 0, encoded);
                bytes = encoded.array();
                length = encoded.size();
            }
            offset = 0;
            linesWritten = 0;
            current = batch;
        }
        int lines = batch.size();
        int done = linesWritten;
        while (offset < length) {
            boolean ready = Fds.writable(fd, POLL_MILLIS);
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
                continue; // the next poll waits
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
        int max = Math.min(length, offset + CHUNK);
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
        return raw != null ? raw.end(i) + 1 : encoded.lineEnd(i);
    }

    @Override
    public int linesWritten(List<LogLine> batch) {
        return batch == current ? linesWritten : 0;
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public void close() {
        if (ownsFd && !closed) {
            closed = true;
            Fds.close(fd);
        }
    }
}
