package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.NativeException;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.Arrays;

/**
 * The lines one sink has formatted but not yet written, and the state of its fd. The pump
 * never waits on it: a chunk is written only when poll(2) says the fd takes it, so a full pipe
 * (a slow reader, or EAGAIN because a child set O_NONBLOCK on a stdout it shares with kinesin)
 * leaves the rest for a later round, and once the sink holds its bound the pump stops reading
 * the sink's sources until it takes more (the children then wait in write(2); nothing is lost).
 * Only the output of children already gone is still read then (their pipes must be closed),
 * up to twice the bound. A write error (ENOSPC, EIO, EPIPE) does not end the sink: it is
 * retried with backoff, and meanwhile lines are held up to the bound (a full disk must not stop
 * the services). Lines beyond these bounds are dropped, counted and reported in kinesin's log,
 * as is every line still held when kinesin exits. Used by the pump thread only.
 */
final class Backlog {

    /** What a sink holds by default while its fd is slow or failing. */
    static final int HOLD_BYTES = 8 << 20;
    private static final long FIRST_RETRY = Duration.ofMillis(100).toNanos();
    private static final long LAST_RETRY = Duration.ofSeconds(5).toNanos();
    /** A rate limit for the warning about lines dropped by a sink that is not failing. */
    private static final long DROP_REPORT_EVERY = Duration.ofSeconds(10).toNanos();
    /** When poll said "writable" but write(2) said EAGAIN anyway: wait this long, never spin. */
    private static final long STALL = Duration.ofMillis(10).toNanos();
    /**
     * A blocking pipe takes a write of up to PIPE_BUF bytes at once when poll(2) says POLLOUT;
     * a longer one may wait for the reader. kinesin's stdout must stay blocking (children share
     * it), so console writes stay within this. Files are written in bigger chunks.
     */
    private static final int PIPE_BUF = 4096;

    private final String sink;
    private final int fd;
    private final int chunk;
    private final int hold;
    private final Log log;
    private byte[] bytes = new byte[8192];
    private int start;
    private int end;

    private boolean failing;
    private long failingSince;
    private long retryAt;
    private long retryDelay;
    private long stalledUntil;
    /** Lines dropped and not reported yet. */
    private long lost;
    private long nextDropReport;

    Backlog(String sink, int fd, boolean pipeLike, int hold, Log log) {
        this.sink = sink;
        this.fd = fd;
        this.chunk = pipeLike ? PIPE_BUF : 64 * 1024;
        this.hold = hold;
        this.log = log;
        this.stalledUntil = System.nanoTime();
        this.nextDropReport = stalledUntil;
    }

    int fd() {
        return fd;
    }

    /** Whether a new line must be dropped (and counted with {@link #drop}). */
    boolean full() {
        return end - start >= (failing ? hold : 2L * hold);
    }

    void drop() {
        lost++;
    }

    /** Where the line being formatted starts, to undo it with {@link #truncate} if formatting throws. */
    int mark() {
        return end - start; // relative: growing the buffer may move the bytes
    }

    void truncate(int mark) {
        end = start + mark;
    }

    void put(byte[] b, int offset, int n) {
        room(n);
        System.arraycopy(b, offset, bytes, end, n);
        end += n;
    }

    void put(byte b) {
        room(1);
        bytes[end++] = b;
    }

    private void room(int n) {
        if (end + n <= bytes.length) {
            return;
        }
        if (start > 0) {
            System.arraycopy(bytes, start, bytes, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(end + n, bytes.length * 2));
        }
    }

    boolean isEmpty() {
        return start == end;
    }

    /** Nothing to wait for when kinesin exits: all written, or failing (it gets one last try). */
    boolean settled() {
        return isEmpty() || failing;
    }

    /**
     * A healthy fd that does not keep up: its sources are not read until it does (the child
     * then blocks in write(2), as on a slow terminal), so nothing is dropped. What one round
     * reads may take the backlog past the bound, by at most one read per source. A failing fd
     * never holds its sources back: a full disk must not stop the service.
     */
    boolean slow() {
        return !failing && end - start >= hold;
    }

    /** Whether the pump's poll should wake when the fd takes more. */
    boolean awaitsWritable(long now) {
        return !failing && !isEmpty() && now - stalledUntil >= 0;
    }

    /** When the pump must call {@link #deliver} again even if nothing else happens; MAX_VALUE if never. */
    long dueAt() {
        if (failing) {
            return isEmpty() ? Long.MAX_VALUE : retryAt; // with nothing to write there is nothing to retry
        }
        return !isEmpty() && stalledUntil - System.nanoTime() > 0 ? stalledUntil : Long.MAX_VALUE;
    }

    /**
     * Writes what the fd takes now, without waiting for it. A failing fd is tried only when its
     * retry is due, unless {@code lastChance} (kinesin is exiting).
     */
    void deliver(long now, MemorySegment scratch, boolean lastChance) {
        if (failing && (isEmpty() || now - retryAt < 0 && !lastChance)) {
            return;
        }
        boolean wrote = false;
        try {
            while (!isEmpty()) {
                if (!Fds.writable(fd)) {
                    break;
                }
                int n = Fds.write(fd, bytes, start, chunkLength(), scratch);
                if (n == Fds.WOULD_BLOCK || n == 0) {
                    if (!wrote) {
                        stalledUntil = now + STALL;
                    }
                    break;
                }
                start += n;
                wrote = true;
            }
        } catch (NativeException e) {
            failed(e, now);
            return;
        }
        if (isEmpty()) {
            start = end = 0;
            if (bytes.length > 1 << 20) {
                bytes = new byte[8192]; // a burst does not keep a big buffer forever
            }
        }
        if (failing) {
            if (wrote) {
                recovered(now);
            } else {
                retryAt = now + retryDelay; // not writable yet: no error, and no shorter wait
            }
        } else if (lost > 0 && now - nextDropReport >= 0) {
            log.warn("log lines dropped: the sink does not keep up", "sink", sink, "lines", lost);
            lost = 0;
            nextDropReport = now + DROP_REPORT_EVERY;
        }
    }

    /** Up to a chunk, ending after a newline when there is one, so a line is rarely cut by a concurrent writer. */
    private int chunkLength() {
        int n = Math.min(chunk, end - start);
        if (n == end - start) {
            return n;
        }
        for (int i = start + n - 1; i > start; i--) {
            if (bytes[i] == '\n') {
                return i + 1 - start;
            }
        }
        return n;
    }

    private void failed(NativeException e, long now) {
        if (!failing) {
            failing = true;
            failingSince = now;
            retryDelay = FIRST_RETRY;
            log.warn("log sink failing; holding its lines and retrying", "sink", sink, "error", e.getMessage(),
                    "hold", hold % (1 << 20) == 0 ? (hold >> 20) + "MiB" : (hold >> 10) + "KiB");
        } else {
            retryDelay = Math.min(retryDelay * 2, LAST_RETRY);
            log.debug("log sink still failing", "sink", sink, "error", e.getMessage(), "retry_in", Duration.ofNanos(retryDelay));
        }
        retryAt = now + retryDelay;
    }

    private void recovered(long now) {
        failing = false;
        log.warn("log sink recovered", "sink", sink, "lines_lost", lost, "failed_for", Duration.ofNanos(now - failingSince));
        lost = 0;
    }

    /** Reports (kinesin is exiting) the lines never delivered: dropped and not yet reported, or still held. */
    void close() {
        long held = 0;
        for (int i = start; i < end; i++) {
            held += bytes[i] == '\n' ? 1 : 0;
        }
        if (held + lost > 0) {
            log.warn("undelivered log lines", "sink", sink, "lines", held + lost, "failing", failing ? "yes" : null);
        }
    }
}
