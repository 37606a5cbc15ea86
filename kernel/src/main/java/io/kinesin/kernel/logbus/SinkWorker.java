package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One sink's thread and bounded queue. The pump {@link #offer}s batches; this thread hands
 * them to the sink one call at a time, so a slow, failing or hung sink delays nobody but the
 * streams whose {@code overflow: block} waits for its queue.
 *
 * <p>A {@code write} that throws is retried with the same batch after 100 ms, doubling to 5 s,
 * while new batches wait in the queue; {@link LogSink.Undeliverable} drops the batch (counted).
 * A call that has not returned after the kernel's deadline makes the sink stuck: reported and
 * counted by the pump ({@link #watch}); its queue fills and the streams' overflow applies. The
 * queue's bytes include the batch being written, so a stuck write holds its place.
 */
final class SinkWorker {

    /** A built-in sink that can tell how much of a batch it wrote, and stop, so that an exit mid-batch counts exactly. */
    interface Progress {
        /** Lines of {@code batch} written so far, when it is the batch being written; else 0. */
        int linesWritten(List<LogLine> batch);

        /** Write nothing more: the write in progress ends with an IOException at its next chance. Any thread. */
        void stop();
    }

    private static final long FIRST_RETRY = Duration.ofMillis(100).toNanos();
    private static final long LAST_RETRY = Duration.ofSeconds(5).toNanos();
    /** At most one warning about a failing sink this often; the others go to debug. */
    private static final long WARN_EVERY = Duration.ofSeconds(10).toNanos();
    /** How often the pump looks again at a sink that has work but has not started its call yet. */
    private static final long WATCH_AGAIN = Duration.ofSeconds(1).toNanos();

    final String name;
    final Drops drops;
    private final LogSink sink;
    private final int capacity;
    private final long deadline;
    private final Log log;
    private final AtomicLong errors;
    private final Runnable wakePump;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Batch> queue = new ArrayDeque<>();
    /** Bytes and lines queued or being written; guarded by {@link #lock}, read without it only as a hint. */
    private volatile long heldBytes;
    private long heldLines;
    /** Lines that found no room when kinesin made its last read at exit. */
    private long unqueued;
    private Batch current;
    private boolean reopen;
    private boolean inputEnded;
    private boolean abandoned;
    private boolean done;
    private boolean started;
    /** The pump found the queue full: wake it when there is room. */
    private boolean pumpWaiting;
    /** Batches were queued since the pump's last {@link #wake}; the pump's own. */
    private boolean queuedSinceWake;
    private volatile boolean backingOff;
    /** System.nanoTime() when the current call began (never 0); 0: no call. */
    private volatile long callStart;
    private volatile boolean stuck;
    private long nextWarn = System.nanoTime();
    private Thread thread;

    SinkWorker(String name, LogSink sink, int capacity, Duration deadline, Log log, LogCounters counters, Runnable wakePump) {
        this.name = name;
        this.sink = sink;
        this.capacity = capacity;
        this.deadline = deadline.toNanos();
        this.log = log;
        this.errors = counters.errorCounter(name);
        this.drops = new Drops(name, log, counters);
        this.wakePump = wakePump;
    }

    /** Starts the thread, once. */
    void start() {
        lock.lock();
        try {
            if (started) {
                return;
            }
            started = true;
            thread = new Thread(this::run, "kinesin-sink-" + name);
            thread.setDaemon(true);
            thread.start();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a batch if it fits: the queue takes any batch while empty, else up to its bound.
     * The thread is not woken for it yet: the pump calls {@link #wake} once per round, after
     * all of the round's batches (a read of a busy pipe makes ten), so that a sink that keeps
     * up is woken once per read, not once per batch. Pump thread.
     *
     * @return false when full: the worker wakes the pump once it has room
     */
    boolean offer(Batch b) {
        lock.lock();
        try {
            if (heldBytes > 0 && heldBytes + b.length() > capacity) {
                pumpWaiting = true;
                return false;
            }
            queue.add(b);
            heldBytes += b.length();
            heldLines += b.size();
            queuedSinceWake = true;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the thread for what {@link #offer} queued since the last call, if anything. Pump thread, once per round. */
    void wake() {
        if (!queuedSinceWake) {
            return;
        }
        queuedSinceWake = false;
        lock.lock();
        try {
            changed.signalAll(); // all: a thread in awaitDone must not take the sink's wake-up
        } finally {
            lock.unlock();
        }
    }

    /** Counts lines kinesin's last read at exit found no room for: undelivered. Pump thread. */
    void unqueued(long lines) {
        lock.lock();
        try {
            unqueued += lines;
        } finally {
            lock.unlock();
        }
    }

    /** Asks the thread to reopen the sink between two calls (SIGHUP). Any thread. */
    void reopen() {
        lock.lock();
        try {
            reopen = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** No more batches: the thread delivers what it holds, flushes, closes the sink and ends. */
    void endInput() {
        lock.lock();
        try {
            inputEnded = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the thread has closed the sink, at most until {@code deadline} (System.nanoTime()). */
    boolean awaitDone(long deadline) {
        lock.lock();
        try {
            for (long left = deadline - System.nanoTime(); !done && left > 0; ) {
                left = changed.awaitNanos(left);
            }
            return done;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return done;
        } finally {
            lock.unlock();
        }
    }

    /**
     * kinesin is exiting and the sink's time is up: the thread stops at its next chance (a call
     * in progress cannot be taken back).
     *
     * @return the lines it never delivered
     */
    long abandon() {
        lock.lock();
        try {
            abandoned = true;
            changed.signalAll();
            if (done) {
                return unqueued;
            }
            long written = 0;
            if (sink instanceof Progress p) {
                p.stop();
                written = current != null ? p.linesWritten(current) : 0;
            }
            return heldLines - written + unqueued;
        } finally {
            lock.unlock();
        }
    }

    /** Whether the sink is failing, stuck or neither: for the undelivered report. */
    String state() {
        return stuck ? "stuck" : backingOff ? "failing" : null;
    }

    /**
     * Reports a call that has passed the deadline (once per call). Pump thread.
     *
     * @return when to look again; MAX_VALUE when nothing is to be watched
     */
    long watch(long now) {
        long c = callStart;
        if (c != 0) {
            if (stuck) {
                return Long.MAX_VALUE;
            }
            if (now - c >= deadline) {
                stuck = true;
                errors.incrementAndGet();
                log.error("log sink stuck: a call has not returned within the deadline; its queue fills and the streams' overflow applies",
                        "sink", name, "deadline", Duration.ofNanos(deadline));
                return Long.MAX_VALUE;
            }
            return c + deadline;
        }
        return heldBytes > 0 && !backingOff ? now + WATCH_AGAIN : Long.MAX_VALUE;
    }

    // ---- the sink's thread ---------------------------------------------------------------------

    private void run() {
        boolean flushDue = false;
        while (true) {
            Batch b = null;
            boolean doReopen = false;
            lock.lock();
            try {
                while (true) {
                    if (abandoned) {
                        return;
                    }
                    if (reopen) {
                        reopen = false;
                        doReopen = true;
                        break;
                    }
                    b = queue.poll();
                    if (b != null) {
                        current = b;
                        break;
                    }
                    if (flushDue || inputEnded) {
                        break;
                    }
                    changed.awaitUninterruptibly();
                }
            } finally {
                lock.unlock();
            }
            if (doReopen) {
                call("reopen");
            } else if (b != null) {
                deliver(b);
                flushDue = true;
            } else if (flushDue) {
                flushDue = false;
                call("flush");
            } else {
                call("close");
                lock.lock();
                try {
                    done = true;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                return;
            }
        }
    }

    /** Writes {@code b}, retrying until it is delivered, undeliverable, or the sink is abandoned. */
    private void deliver(Batch b) {
        long delay = FIRST_RETRY;
        long failingSince = 0;
        int failures = 0;
        boolean lastTry = false;
        while (true) {
            Throwable failure;
            try {
                begin();
                sink.write(b);
                end();
                break;
            } catch (LogSink.Undeliverable u) {
                end();
                errors.incrementAndGet();
                if (drops.add(b.origin(), b.size(), "undeliverable: " + u.getMessage())) {
                    wakePump.run();
                }
                break;
            } catch (Throwable t) {
                end();
                failure = t;
            }
            errors.incrementAndGet();
            long now = System.nanoTime();
            if (failures++ == 0) {
                failingSince = now;
            }
            warnRateLimited(now, failures == 1 ? "log sink failing; retrying its batch with backoff" : "log sink still failing",
                    "sink", name, "error", describe(failure), "retry_in", Duration.ofNanos(delay));
            backingOff = true;
            boolean doReopen = false;
            lock.lock();
            try {
                for (long left = delay; left > 0 && !abandoned && !reopen; ) {
                    if (inputEnded && !lastTry) {
                        lastTry = true; // kinesin is exiting: one try at once, then the backoff goes on
                        break;
                    }
                    left = changed.awaitNanos(left);
                }
                if (abandoned) {
                    return; // its lines are counted as undelivered
                }
                doReopen = reopen;
                reopen = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                lock.unlock();
                backingOff = false;
            }
            if (doReopen) {
                call("reopen");
            }
            delay = Math.min(delay * 2, LAST_RETRY);
        }
        if (failures > 0) {
            log.warn("log sink recovered", "sink", name, "failed_for", Duration.ofNanos(System.nanoTime() - failingSince),
                    "errors", failures);
        }
        boolean wake;
        lock.lock();
        try {
            heldBytes -= b.length();
            heldLines -= b.size();
            current = null;
            wake = pumpWaiting;
            pumpWaiting = false;
        } finally {
            lock.unlock();
        }
        b.release();
        if (wake) {
            wakePump.run();
        }
    }

    /** flush(), reopen() or close(): a failure is logged and counted, and the worker goes on. */
    private void call(String what) {
        try {
            begin();
            switch (what) {
                case "flush" -> sink.flush();
                case "reopen" -> sink.reopen();
                default -> sink.close();
            }
        } catch (Throwable t) {
            errors.incrementAndGet();
            warnRateLimited(System.nanoTime(), "log sink failed to " + what, "sink", name, "error", describe(t));
        } finally {
            end();
        }
    }

    private void begin() {
        callStart = System.nanoTime() | 1;
    }

    private void end() {
        long c = callStart;
        callStart = 0;
        if (stuck) {
            stuck = false;
            log.warn("log sink returned after being stuck", "sink", name, "after", Duration.ofNanos(System.nanoTime() - c));
        }
    }

    private void warnRateLimited(long now, String msg, Object... keyValues) {
        if (now - nextWarn >= 0) {
            nextWarn = now + WARN_EVERY;
            log.warn(msg, keyValues);
        } else {
            log.debug(msg, keyValues);
        }
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t instanceof java.io.IOException && m != null ? m : t.toString();
    }
}
