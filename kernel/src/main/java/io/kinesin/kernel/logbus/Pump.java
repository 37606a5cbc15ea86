package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.NativeException;
import io.kinesin.kernel.process.Poller;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

/**
 * The pump's loop, one round at a time: poll the children's pipes (and the sinks' fds that wait
 * to take more), frame what was read into lines, hand them to the sinks, and let each sink write
 * what its fd takes. Every wait is in that one poll, bounded by the next thing due. The state
 * (pipes, partial lines, held lines) lives here rather than on the thread's stack, so that a
 * pump restarted after a failure goes on with all of it. Used by the pump thread only.
 */
final class Pump {

    static final int READ_BYTES = 64 * 1024;
    private static final int EBADF = 9;

    private final List<Sink> sinks;
    private final Queue<Source> added;
    private final Poller poller;
    private final Runnable beforeWrites;
    private final Log log;
    private final List<Source> sources = new ArrayList<>();
    private final byte[] buffer = new byte[READ_BYTES];
    private final MemorySegment scratch = Arena.ofAuto().allocate(READ_BYTES);
    private int[] fds = new int[0];
    private short[] events = new short[0];
    private boolean[] ready = new boolean[0];
    private Source[] polled = new Source[0];
    private volatile long bytesRead;

    Pump(List<Sink> sinks, Queue<Source> added, Poller poller, Runnable beforeWrites, Log log) {
        this.sinks = sinks;
        this.added = added;
        this.poller = poller;
        this.beforeWrites = beforeWrites;
        this.log = log;
    }

    long bytesRead() {
        return bytesRead;
    }

    /**
     * One round. When {@code closing}, the pump is done once every pipe is at end of file and
     * every sink that is not failing has written all it holds, or at {@code deadline}.
     *
     * @return false when done
     */
    boolean round(boolean closing, long deadline) {
        for (Source s; (s = added.poll()) != null; ) {
            sources.add(s);
        }
        long now = System.nanoTime();
        if (closing && (drained() || now - deadline >= 0)) {
            return false;
        }
        ensure(sources.size() + sinks.size());
        int n = 0;
        for (Source s : sources) {
            fds[n] = s.fd;
            // Held back: woken only by a hang-up (every writer gone). Nobody is left to slow
            // down then, and the pipe must be read to its end to be closed.
            events[n] = heldBack(s) ? 0 : Poller.READABLE;
            polled[n++] = s;
        }
        long due = closing ? deadline : Long.MAX_VALUE;
        for (Sink sink : sinks) {
            if (sink.backlog.awaitsWritable(now)) {
                fds[n] = sink.backlog.fd();
                events[n] = Poller.WRITABLE;
                polled[n++] = null;
            }
            due = earlier(due, sink.backlog.dueAt());
        }
        poller.await(fds, events, n, timeoutMillis(due, now), ready);
        for (int i = 0; i < n; i++) {
            if (ready[i] && polled[i] != null) {
                read(polled[i]);
            }
            polled[i] = null; // an ended source is not kept alive here
        }
        beforeWrites.run();
        now = System.nanoTime();
        for (Sink sink : sinks) {
            sink.deliver(now, scratch, false);
        }
        return true;
    }

    /**
     * kinesin is exiting: one last read of every pipe that has something (held-back ones too,
     * so their lines are at least counted), a last line without its newline, and a last chance
     * for every sink to write. What stays undelivered is reported when the sinks close.
     */
    void finish() {
        for (Source s; (s = added.poll()) != null; ) {
            sources.add(s);
        }
        ensure(sources.size());
        List<Source> open = List.copyOf(sources);
        for (int i = 0; i < open.size(); i++) {
            fds[i] = open.get(i).fd;
            events[i] = Poller.READABLE;
        }
        poller.await(fds, events, open.size(), 0, ready);
        for (int i = 0; i < open.size(); i++) {
            if (ready[i]) {
                read(open.get(i));
            }
        }
        for (Source s : sources) {
            s.finish();
        }
        long now = System.nanoTime();
        for (Sink sink : sinks) {
            sink.deliver(now, scratch, true);
        }
    }

    private void read(Source s) {
        int n;
        try {
            n = poller.read(s.fd, buffer);
        } catch (NativeException e) {
            log.warn("cannot read a child's output; the rest of it is not copied", "service", s.service,
                    "instance", s.instance, "stream", s.stream.label(), "error", e.getMessage());
            end(s, e.errno() != EBADF);
            return;
        }
        if (n > 0) {
            bytesRead += n; // the pump is the only writer
            s.feed(buffer, n);
        } else {
            end(s, true);
        }
    }

    private void end(Source s, boolean close) {
        sources.remove(s);
        if (close) {
            Fds.close(s.fd);
        }
        s.finish();
    }

    /** Not read while one of its sinks does not keep up: the child waits, nothing is dropped. */
    private static boolean heldBack(Source s) {
        for (Sink sink : s.sinks) {
            if (sink.backlog.slow()) {
                return true;
            }
        }
        return false;
    }

    private boolean drained() {
        if (!sources.isEmpty()) {
            return false;
        }
        for (Sink sink : sinks) {
            if (!sink.backlog.settled()) {
                return false;
            }
        }
        return true;
    }

    private static long earlier(long a, long b) {
        if (a == Long.MAX_VALUE) {
            return b;
        }
        if (b == Long.MAX_VALUE) {
            return a;
        }
        return a - b < 0 ? a : b;
    }

    private static int timeoutMillis(long due, long now) {
        if (due == Long.MAX_VALUE) {
            return -1;
        }
        long nanos = due - now;
        return nanos <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (nanos + 999_999) / 1_000_000);
    }

    private void ensure(int n) {
        if (fds.length < n) {
            int capacity = Math.max(16, n * 2);
            fds = new int[capacity];
            events = new short[capacity];
            ready = new boolean[capacity];
            polled = new Source[capacity];
        }
    }
}
