package io.kinesin.sink.file;

import io.kinesin.spi.FramedLines;
import io.kinesin.spi.LineBuffer;
import io.kinesin.spi.LineFormat;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.Stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

/**
 * Appends lines to a {@link LogFile}, rotating it by size. Each batch is encoded into one
 * buffer (in the {@code raw} format, a batch from the kernel is written from its own array
 * instead: its lines are already one after the other, each with its newline) and handed to the
 * OS with as few writes as rotation allows; {@link #flush} has
 * nothing left to do, and nothing is fsynced (the OS writes the page cache out; a log is not
 * worth a disk flush per batch).
 *
 * <p><b>When a write fails</b> (ENOSPC, EIO), {@link #write} throws and the kernel calls it
 * again, after a backoff, with the same batch. The guarantee: every line ends up in the file
 * exactly once, whole, in order. The lines before the failure are in the file, whole; the
 * line the failure cut is taken off the end of the file again (truncated back to the last
 * whole line). On the retry the lines already in the file are skipped, recognised by the last
 * of them (service, instance, stream and time, which the kernel makes unique per line). If
 * even the truncation fails, that line's missing bytes are written first thing on the next
 * call instead, completing it; only a {@link #reopen} or {@link #close} that cannot write
 * them either leaves that one line cut. A batch other than the failed one (the kernel gave up
 * on it) is written whole; what the failed batch did not get into the file is the kernel's to
 * count as lost.
 */
final class FileSink implements LogSink {

    /** An encoding buffer a burst grew past this is let go for a small one. */
    private static final int KEEP_BYTES = 4 << 20;

    private final LogFile file;
    private final LineFormat.Encoder encoder;
    private final long rotateAt;
    private final int keep;
    /** The batch being written, encoded; where each line ends is {@link LineBuffer#lineEnd}. */
    private final LineBuffer encoded = new LineBuffer(64 * 1024);
    /** The batch being written, when written from its own array; null: from {@link #encoded}. */
    private FramedLines raw;
    /** Its first line not in the file yet: line k of the write is its line {@code rawFirst + k}. */
    private int rawFirst;
    /** What the write's lines are in: {@link #raw}'s array, or {@link #encoded}'s. */
    private byte[] bytes;
    /** How many lines of the last failed batch are in the file, and the last of them. */
    private int written;
    private Key lastWritten;
    /** The end of a line a failed write cut and could not take back: written before anything else. */
    private ByteBuffer owed;
    private boolean closed;

    /**
     * @param rotateAt rotate before a line that would take the file past this many bytes; {@link Long#MAX_VALUE}: never
     * @param keep     rotated files kept
     */
    FileSink(LogFile file, LineFormat.Encoder encoder, long rotateAt, int keep) throws IOException {
        this.file = file;
        this.encoder = encoder;
        this.rotateAt = rotateAt;
        this.keep = keep;
        file.open(); // a path that cannot be written is a config error now, not a sink error later
    }

    @Override
    public void write(List<LogLine> batch) throws IOException {
        if (closed) {
            throw new IllegalStateException("the file sink for " + file.path() + " is closed");
        }
        payOwed();
        if (batch.isEmpty()) {
            return; // and keep what a failed batch left: its retry may still come
        }
        int first = alreadyWritten(batch);
        int count = batch.size() - first;
        if (encoder.format() == LineFormat.RAW && batch instanceof FramedLines f) {
            raw = f;
            rawFirst = first;
            bytes = f.data();
        } else {
            encoder.appendAll(batch, first, encoded);
            bytes = encoded.array();
        }
        int done = 0; // lines of [first, ...) in the file
        ByteBuffer chunk = null;
        try {
            while (done < count) {
                long size = rotateAt == Long.MAX_VALUE ? 0 : file.size(); // the size matters only to rotation
                int end = fitting(done, count, size);
                if (end == done) {
                    file.rotate(keep);
                    continue;
                }
                chunk = ByteBuffer.wrap(bytes, start(done), start(end) - start(done));
                file.append(chunk);
                chunk = null;
                done = end;
            }
            forget();
        } catch (IOException e) {
            remember(batch, first + done + takeBack(chunk, done, count));
            throw e;
        } finally {
            raw = null;
            bytes = null;
            encoded.clear(KEEP_BYTES);
        }
    }

    /** The first line after {@code from} that must go to a new file: lines fill a file up to {@link #rotateAt}, and an empty file takes at least one. */
    private int fitting(int from, int count, long size) {
        long base = size - start(from);
        if (base + lineEnd(count - 1) <= rotateAt) {
            return count; // all of them: no need to look at each line (line ends only grow)
        }
        int end = from;
        while (end < count) {
            long before = base + start(end);
            if (before > 0 && before + (lineEnd(end) - start(end)) > rotateAt) {
                break;
            }
            end++;
        }
        return end;
    }

    /**
     * After a failed append of {@code chunk} (lines from {@code done} on): cuts the partly
     * written line back off the file, or, if that fails too, keeps its missing bytes as
     * {@link #owed}. Returns how many lines from {@code done} count as written: the whole ones
     * the chunk got in, plus the cut one if it will be completed.
     */
    private int takeBack(ByteBuffer chunk, int done, int count) {
        if (chunk == null) {
            return 0; // opening or rotating failed: nothing half-written
        }
        int reached = chunk.position();
        int whole = done;
        while (whole < count && lineEnd(whole) <= reached) {
            whole++;
        }
        int partial = reached - start(whole);
        if (whole == count || partial == 0) {
            return whole - done;
        }
        try {
            file.cutTail(partial);
            return whole - done;
        } catch (IOException | RuntimeException e) {
            owed = ByteBuffer.wrap(Arrays.copyOfRange(bytes, reached, lineEnd(whole)));
            return whole - done + 1;
        }
    }

    /** Writes the end of a cut line before anything else; throws (keeping the rest) if it still cannot. */
    private void payOwed() throws IOException {
        if (owed != null) {
            file.append(owed);
            owed = null;
        }
    }

    private int alreadyWritten(List<LogLine> batch) {
        if (written > 0 && written <= batch.size() && lastWritten.matches(batch.get(written - 1))) {
            return written;
        }
        return 0;
    }

    private void remember(List<LogLine> batch, int inFile) {
        written = inFile;
        lastWritten = inFile > 0 ? Key.of(batch.get(inFile - 1)) : null;
    }

    private void forget() {
        written = 0;
        lastWritten = null;
    }

    /** Where line {@code line} of the write starts in {@link #bytes}. */
    private int start(int line) {
        if (raw == null) {
            return encoded.lineStart(line);
        }
        return line == 0 ? raw.start(rawFirst) : lineEnd(line - 1); // lines follow one another, up to the last
    }

    /** Where line {@code line} of the write ends in {@link #bytes}, after its newline. */
    private int lineEnd(int line) {
        return raw != null ? raw.end(rawFirst + line) + 1 : encoded.lineEnd(line);
    }

    /** Nothing to do: {@link #write} leaves nothing in this process. */
    @Override
    public void flush() {
    }

    /** Closes the file and opens {@code path} again (SIGHUP: an external logrotate moved it away). */
    @Override
    public void reopen() throws IOException {
        if (closed) {
            return;
        }
        try {
            payOwed();
        } catch (IOException e) {
            owed = null; // the old file keeps the head of that line; the new one must not get its tail
        }
        file.close();
        file.open();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            payOwed();
        } catch (IOException e) {
            owed = null; // closing regardless: the head of that one line stays cut
        } finally {
            file.close();
        }
    }

    /** Identifies a line across the kernel's retries: {@code at} is unique per stream. */
    private record Key(String service, int instance, Stream stream, Instant at) {
        static Key of(LogLine line) {
            return new Key(line.service(), line.instance(), line.stream(), line.at());
        }

        boolean matches(LogLine line) {
            return at.equals(line.at()) && instance == line.instance() && stream == line.stream() && service.equals(line.service());
        }
    }
}
