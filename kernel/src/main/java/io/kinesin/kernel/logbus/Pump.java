package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.NativeException;
import io.kinesin.kernel.process.Poller;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.function.LongSupplier;

/**
 * The pump's loop, one round at a time: poll the children's pipes, frame what was read into
 * batches, hand batches to the sinks' queues. The only wait is that one poll, bounded by the
 * next thing due (a batch's {@code flush}, a drop report, a sink call's deadline); a sink with
 * room wakes it. The state (pipes, partial lines and batches, deliveries waiting for a queue)
 * lives here and in the {@link Source}s rather than on the thread's stack, so that a pump
 * restarted after a failure goes on with all of it. Used by the pump thread only.
 */
final class Pump {

    /** The most one read takes from one pipe: what a pipe holds by default. */
    static final int READ_BYTES = 64 * 1024;
    private static final int EBADF = 9;

    private final List<SinkWorker> sinks;
    private final Queue<Source> added;
    private final Poller poller;
    private final Runnable beforeDeliveries;
    private final LongSupplier wallNanos;
    private final Log log;
    private final List<Source> sources = new ArrayList<>();
    private int[] fds = new int[0];
    private short[] events = new short[0];
    private boolean[] ready = new boolean[0];
    private Source[] polled = new Source[0];
    private volatile long bytesRead;

    Pump(List<SinkWorker> sinks, Queue<Source> added, Poller poller, Runnable beforeDeliveries, LongSupplier wallNanos, Log log) {
        this.sinks = sinks;
        this.added = added;
        this.poller = poller;
        this.beforeDeliveries = beforeDeliveries;
        this.wallNanos = wallNanos;
        this.log = log;
    }

    long bytesRead() {
        return bytesRead;
    }

    /**
     * One round. When {@code closing}, the pump is done once every pipe is at end of file (and
     * its lines are queued or counted), or at {@code deadline}.
     *
     * @return false when done
     */
    boolean round(boolean closing, long deadline) {
        for (Source s; (s = added.poll()) != null; ) {
            sources.add(s);
        }
        long now = System.nanoTime();
        if (closing && (sources.isEmpty() || now - deadline >= 0)) {
            return false;
        }
        ensure(sources.size());
        long due = closing ? deadline : Long.MAX_VALUE;
        int n = 0;
        for (Source s : sources) {
            fds[n] = s.fd;
            // Held back: woken only by a hang-up (every writer gone). Nobody is left to slow
            // down then, and the pipe must be read to its end to be closed.
            events[n] = s.held() ? 0 : Poller.READABLE;
            polled[n++] = s;
            due = earlier(due, s.flushDue());
        }
        for (SinkWorker sink : sinks) {
            due = earlier(due, sink.watch(now));
            due = earlier(due, sink.drops.dueAt());
        }
        poller.await(fds, events, n, timeoutMillis(due, now), ready);
        long wall = 0;
        now = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Source s = polled[i];
            polled[i] = null; // an ended source is not kept alive here
            if (ready[i]) {
                if (events[i] == 0) {
                    s.hungUp = true;
                }
                if (wall == 0) {
                    wall = wallNanos.getAsLong();
                }
                read(s, wall, now);
            }
        }
        beforeDeliveries.run();
        now = System.nanoTime();
        for (Source s : sources) {
            s.tick(now);
        }
        for (SinkWorker sink : sinks) {
            sink.drops.reportIfDue(now);
        }
        return true;
    }

    /**
     * kinesin is exiting: one last read of every pipe that has something (held-back ones too,
     * so that their lines are at least counted), a last line without its newline, and every
     * batch queued or counted as undelivered.
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
        long wall = wallNanos.getAsLong();
        long now = System.nanoTime();
        for (int i = 0; i < open.size(); i++) {
            if (ready[i]) {
                read(open.get(i), wall, now);
            }
        }
        for (Source s : List.copyOf(sources)) {
            s.end(true);
        }
        sources.clear();
    }

    private void read(Source s, long wall, long now) {
        int n;
        try {
            n = poller.read(s.fd, READ_BYTES);
        } catch (NativeException e) {
            log.warn("cannot read a child's output; the rest of it is not copied", "service", s.origin.service(),
                    "instance", s.origin.instance(), "stream", s.origin.stream().label(), "error", e.getMessage());
            end(s, e.errno() != EBADF);
            return;
        }
        if (n > 0) {
            bytesRead += n; // the pump is the only writer
            s.feed(poller, n, wall, now);
        } else {
            end(s, true);
        }
    }

    private void end(Source s, boolean close) {
        s.end(false); // first: if it throws, the next round finds the end of file again
        sources.remove(s);
        if (close) {
            Fds.close(s.fd);
        }
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
