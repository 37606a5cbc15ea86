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
 *
 * <p>At exit: {@link #round} until every pipe is at its end (or the drain's deadline), then
 * {@link #lastReads}, then {@link #offerRound} while batches still wait for a queue (until the
 * flush deadline), then {@link #finish} counts what is left as undelivered.
 */
final class Pump {

    /** The most one read takes from one pipe: a quarter of a {@link #BIG_PIPE}. */
    static final int READ_BYTES = 512 * 1024;
    /** What a pipe holds by default. */
    static final int PIPE_BYTES = 64 * 1024;
    /**
     * A pipe that carries this many bytes within {@link #BUSY_WINDOW} belongs to a child that
     * writes in bulk: it gets a {@link #BIG_PIPE}, so that the child and the pump take turns less
     * often. At most {@link #BIG_PIPES_MAX} at a time: the pipe pages a user may have are limited
     * ({@code /proc/sys/fs/pipe-user-pages-soft}), and children share them.
     */
    private static final int BUSY_BYTES = 512 * 1024;
    private static final long BUSY_WINDOW = 10_000_000;
    private static final int BIG_PIPE = 1 << 20;
    private static final int BIG_PIPES_MAX = 8;
    /**
     * After a read that took little from a big pipe, the pump leaves it alone this long: the
     * child fills it meanwhile (it does not block: the pipe is big), and the next read takes more
     * at once instead of waiting on the pipe's lock while the child writes.
     */
    private static final long BIG_PIPE_REST = 1_000_000;
    /**
     * A read of a big pipe that took at least this much does not rest: the child writes faster
     * than the pump reads, and a rest would leave it blocked on a full pipe.
     */
    private static final int BIG_PIPE_NO_REST = BIG_PIPE / 4;
    /** The second warm-up waits until no pipe has given anything for this long ({@link #afterBursts}). */
    static final long WARMUP_QUIET = 100_000_000;
    /** A big pipe quiet for this long shrinks back to the default. */
    private static final long BIG_PIPE_QUIET = 10_000_000_000L;
    /**
     * How many sources held back after their child ended are kept, each with its pipe (and what
     * the child left in it) and an fd. Beyond that the oldest is read to its end and what its
     * sinks' queues do not take is dropped, counted: a crash loop must not pile up fds.
     */
    static final int PARKED_MAX = 16;
    private static final int EBADF = 9;
    /** How soon the pump tries again to put batches into the history while a reader holds it. */
    private static final long HISTORY_RETRY = 1_000_000;

    private final List<SinkWorker> sinks;
    private final History history;
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
    private long parkedSeq;
    private int bigPipes;
    /**
     * When to run the {@link Warmup} a second time (0: done): the JIT compiles only when a
     * method's count passes a threshold scaled by how many methods already wait to be compiled,
     * and that queue is long while kinesin starts; a second pass once it is short gets the hot
     * path compiled before a burst rather than during it.
     */
    private long warmupDue = System.nanoTime() + WARMUP_AGAIN_AFTER;
    private static final long WARMUP_AGAIN_AFTER = 1_000_000_000L;
    private volatile boolean warmupAbandoned;
    /** Batches wait for the history (a reader held it at the last round). */
    private boolean historyBehind;
    private volatile long bytesRead;
    /** When a pipe last gave something (System.nanoTime()); 0: never. */
    private long lastRead;

    /** @param history where every batch also goes; null: nowhere */
    Pump(List<SinkWorker> sinks, History history, Queue<Source> added, Poller poller, Runnable beforeDeliveries,
         LongSupplier wallNanos, Log log) {
        this.sinks = sinks;
        this.history = history;
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
     * One round. When {@code closing}, the pump is done reading once no pipe is open any more,
     * or at {@code deadline}.
     *
     * @return false when done reading
     */
    boolean round(boolean closing, long deadline) {
        for (Source s; (s = added.poll()) != null; ) {
            sources.add(s);
        }
        long now = System.nanoTime();
        if (closing && (!anyOpen() || now - deadline >= 0)) {
            return false;
        }
        limitParked(now);
        ensure(sources.size());
        long due = closing ? deadline : Long.MAX_VALUE;
        int n = 0;
        for (Source s : sources) {
            due = earlier(due, s.flushDue());
            if (s.ended || s.parked()) {
                continue;
            }
            if (s.restUntil != 0) {
                if (now - s.restUntil < 0) {
                    due = earlier(due, s.restUntil);
                    continue;
                }
                s.restUntil = 0;
            }
            fds[n] = s.fd;
            // Held back: polled for nothing but a hang-up (every writer gone: the child ended).
            events[n] = s.held() ? 0 : Poller.READABLE;
            polled[n++] = s;
        }
        for (SinkWorker sink : sinks) {
            due = earlier(due, sink.watch(now));
            due = earlier(due, sink.drops.dueAt());
        }
        if (historyBehind) {
            due = earlier(due, now + HISTORY_RETRY);
        }
        if (warmupDue != 0 && !closing) {
            warmupDue = afterBursts(warmupDue, lastRead, now);
            if (now - warmupDue >= 0) {
                warmupDue = 0;
                warmUp();
                emptyYoungGeneration();
            } else {
                due = earlier(due, warmupDue);
            }
        }
        wakeSinks(); // for what the forced reads of parked sources queued, before a poll that may be long
        poller.await(fds, events, n, timeoutMillis(due, now), ready);
        long wall = 0;
        now = System.nanoTime();
        try {
            for (int i = 0; i < n; i++) {
                Source s = polled[i];
                polled[i] = null; // an ended source is not kept alive here
                if (!ready[i]) {
                    continue;
                }
                if (events[i] == 0) {
                    s.hungUp = true; // parked now, until its sinks have room
                    continue;
                }
                if (wall == 0) {
                    wall = wallNanos.getAsLong();
                }
                read(s, wall, now);
            }
            beforeDeliveries.run();
            tickAll(System.nanoTime());
        } finally {
            wakeSinks(); // also when a read failed: what it queued before must not wait for the next round
        }
        return true;
    }

    /**
     * kinesin is exiting: a warm-up under way stops after its current round (at start-up, with
     * the interpreter and the compiler's queue busy, all its rounds take some 250 ms, which a
     * service that ends at once would otherwise add to kinesin's exit). Any thread.
     */
    void abandonWarmup() {
        warmupAbandoned = true;
    }

    /** A pump of the {@link Warmup} itself: it warms nothing up. */
    void noWarmup() {
        warmupDue = 0;
    }

    /** Nothing to read and nothing waiting. */
    boolean idle() {
        return sources.isEmpty() && added.isEmpty();
    }

    /** Runs the {@link Warmup}, unless kinesin is exiting; a failure costs only speed. */
    void warmUp() {
        try {
            int rounds = Warmup.run(() -> warmupAbandoned);
            if (rounds < Warmup.ROUNDS) {
                log.debug("log bus warm-up abandoned: kinesin is exiting", "rounds", rounds);
            }
        } catch (Throwable t) {
            log.debug("log bus warm-up failed", "error", t.toString());
        }
    }

    /**
     * After the second warm-up: one young collection now, while (most likely) nothing is
     * written, so that the first burst finds the young generation empty ({@link Warmup#collect}).
     */
    private void emptyYoungGeneration() {
        if (!warmupAbandoned && !Warmup.collect()) {
            log.debug("no collection after the log bus warm-up");
        }
    }

    /**
     * When the second warm-up may run, {@code due} at the earliest: not until no pipe has given
     * anything for {@link #WARMUP_QUIET}, since it takes the pump's thread (and makes a
     * collection) for some milliseconds that a child in a burst would spend blocked on a full pipe.
     *
     * @param lastRead when a pipe last gave something; 0: never
     */
    static long afterBursts(long due, long lastRead, long now) {
        if (now - due >= 0 && lastRead != 0 && now - lastRead < WARMUP_QUIET) {
            return lastRead + WARMUP_QUIET;
        }
        return due;
    }

    /** kinesin is exiting and the drain is over: one last read of every pipe still open (held-back ones too). */
    void lastReads() {
        for (Source s; (s = added.poll()) != null; ) {
            sources.add(s);
        }
        ensure(sources.size());
        int n = 0;
        for (Source s : sources) {
            if (!s.ended) {
                fds[n] = s.fd;
                events[n] = Poller.READABLE;
                polled[n++] = s;
            }
        }
        poller.await(fds, events, n, 0, ready);
        long wall = wallNanos.getAsLong();
        long now = System.nanoTime();
        for (int i = 0; i < n; i++) {
            Source s = polled[i];
            polled[i] = null;
            if (ready[i]) {
                read(s, wall, now);
            }
            if (!s.ended) {
                s.end(); // a writer that outlives its child (a daemon it left) is not waited for
            }
        }
        tickAll(now);
    }

    /**
     * kinesin is exiting, its pipes are read: offers what still waits for a queue as queues
     * get room, until {@code deadline}.
     *
     * @return false when nothing waits any more, or at the deadline
     */
    boolean offerRound(long deadline) {
        long now = System.nanoTime();
        if (sources.isEmpty() || now - deadline >= 0) {
            return false;
        }
        long due = deadline;
        for (SinkWorker sink : sinks) {
            due = earlier(due, sink.watch(now));
            due = earlier(due, sink.drops.dueAt());
        }
        if (historyBehind) {
            due = earlier(due, now + HISTORY_RETRY);
        }
        poller.await(fds, events, 0, timeoutMillis(due, now), ready);
        tickAll(System.nanoTime());
        return true;
    }

    /** The sinks' time is up: what still waits for a queue is counted as undelivered. */
    void finish() {
        try {
            for (Source s : sources) {
                s.giveUp();
            }
            sources.clear();
        } finally {
            wakeSinks();
        }
    }

    private void tickAll(long now) {
        try {
            for (Source s : sources) {
                s.tick(now);
                if (s.bigPipe && now - s.lastRead() > BIG_PIPE_QUIET && !s.ended && Fds.setPipeSize(s.fd, PIPE_BYTES) > 0) {
                    s.bigPipe = false;
                    bigPipes--;
                }
            }
            sources.removeIf(Source::done);
            historyBehind = history != null && !history.catchUp();
            for (SinkWorker sink : sinks) {
                sink.drops.reportIfDue(now);
            }
        } finally {
            wakeSinks();
        }
    }

    /** Wakes each sink that got batches since the last time: once per round (see {@link SinkWorker#offer}). */
    private void wakeSinks() {
        for (SinkWorker sink : sinks) {
            sink.wake();
        }
    }

    private boolean anyOpen() {
        for (Source s : sources) {
            if (!s.ended) {
                return true;
            }
        }
        return false;
    }

    /** Keeps at most {@link #PARKED_MAX} parked sources: the oldest beyond are read to their end, forced. */
    private void limitParked(long now) {
        int parked = 0;
        for (Source s : sources) {
            if (s.parked()) {
                if (s.parkedSeq == 0) {
                    s.parkedSeq = ++parkedSeq;
                }
                parked++;
            }
        }
        while (parked > PARKED_MAX) {
            Source oldest = null;
            for (Source s : sources) {
                if (s.parked() && (oldest == null || s.parkedSeq < oldest.parkedSeq)) {
                    oldest = s;
                }
            }
            oldest.force();
            long wall = wallNanos.getAsLong();
            while (!oldest.ended) { // its writers are gone: reads end, they never wait
                read(oldest, wall, now);
            }
            parked--;
        }
    }

    private void read(Source s, long wall, long now) {
        int n;
        try {
            n = s.read(poller, READ_BYTES, wall, now);
        } catch (NativeException e) {
            log.warn("cannot read a child's output; the rest of it is not copied", "service", s.origin.service(),
                    "instance", s.origin.instance(), "stream", s.origin.stream().label(), "error", e.getMessage());
            endOfFile(s, e.errno() != EBADF);
            return;
        }
        if (n > 0) {
            bytesRead += n; // the pump is the only writer
            lastRead = now;
            if (now - s.windowStart > BUSY_WINDOW) {
                s.windowStart = now;
                s.windowBytes = 0;
            }
            s.windowBytes += n;
            if (s.windowBytes >= BUSY_BYTES && !s.bigPipe && bigPipes < BIG_PIPES_MAX && Fds.setPipeSize(s.fd, BIG_PIPE) > 0) {
                s.bigPipe = true;
                bigPipes++;
            }
            if (s.bigPipe && n < BIG_PIPE_NO_REST) {
                s.restUntil = (now + BIG_PIPE_REST) | 1;
            }
        } else {
            endOfFile(s, true);
        }
    }

    private void endOfFile(Source s, boolean close) {
        s.end(); // first: if it throws, the next round finds the end of file again
        if (close && s.ended) {
            Fds.close(s.fd);
        }
        if (s.bigPipe) {
            s.bigPipe = false;
            bigPipes--;
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
