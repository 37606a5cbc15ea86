package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.Poller;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Carries children's output to sinks. {@link #attach} (the supervisor's thread) makes a pipe
 * for one of an instance's streams; one pump thread reads every pipe, frames lines and hands
 * them to the sinks ({@link Pump}). Whatever the pump's loop throws, it is logged and the loop
 * starts again with the same pipes and sinks: a dead pump would leave every child blocked on a
 * full pipe. {@link #close} drains what children wrote before kinesin exits.
 */
public final class LogBus implements AutoCloseable {

    private static final long FIRST_RESTART_DELAY = Duration.ofMillis(100).toNanos();
    private static final long LAST_RESTART_DELAY = Duration.ofSeconds(5).toNanos();

    private final Log log;
    private final Map<String, Sink> sinks = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<Source> added = new ConcurrentLinkedQueue<>();
    private final Runnable beforeWrites;
    private volatile boolean closing;
    private volatile long drainDeadline;
    private Poller poller;
    private Pump pump;
    private Thread thread;

    /**
     * Opens every sink (files are created if missing).
     *
     * @throws io.kinesin.kernel.process.NativeException naming a file that cannot be opened
     */
    public LogBus(List<SinkSpec> specs, Log log) {
        this(specs, log, Backlog.HOLD_BYTES, () -> { });
    }

    /**
     * @param hold         the bytes each sink holds while its fd is slow or failing
     * @param beforeWrites a test seam: runs on the pump thread before each round's writes, so
     *                     that a test can make the pump's loop throw
     */
    LogBus(List<SinkSpec> specs, Log log, int hold, Runnable beforeWrites) {
        this.log = log;
        this.beforeWrites = beforeWrites;
        for (SinkSpec spec : specs) {
            sinks.put(spec.name(), new Sink(spec, hold, log));
        }
    }

    /**
     * A pipe for one stream of one instance, read from now on.
     *
     * @return the write end, for the child; the caller closes it once the child has it
     */
    public int attach(String service, int instance, String display, Stream stream, List<String> sinkNames) {
        List<Sink> targets = new ArrayList<>(sinkNames.size());
        for (String name : sinkNames) {
            Sink sink = sinks.get(name);
            if (sink == null) {
                throw new IllegalArgumentException("no sink named " + name);
            }
            targets.add(sink);
        }
        int[] pipe = Fds.pipe();
        added.add(new Source(pipe[0], service, instance, display, stream, targets));
        startPump();
        poller.wake();
        return pipe[1];
    }

    private synchronized void startPump() {
        if (thread == null) {
            poller = new Poller(Pump.READ_BYTES);
            pump = new Pump(List.copyOf(sinks.values()), added, poller, beforeWrites, log);
            thread = new Thread(this::run, "kinesin-log-pump");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void run() {
        int failures = 0; // in a row, without a round completing in between
        while (true) {
            try {
                while (pump.round(closing, drainDeadline)) {
                    failures = 0;
                }
                pump.finish();
                return;
            } catch (Throwable t) { // Error too, even OutOfMemoryError: giving up is worse than trying
                failures++;
                long delay = failures == 1 ? 0 : Math.min(FIRST_RESTART_DELAY << Math.min(failures - 2, 16), LAST_RESTART_DELAY);
                if (!survive(t, failures, delay)) {
                    return;
                }
            }
        }
    }

    /**
     * Reports a failure of the pump's loop and waits before it restarts (at once the first
     * time, then longer each time it fails again before a round completes, so a failure that
     * repeats cannot spin).
     *
     * @return false when kinesin is exiting and its drain is over: nothing left to restart for
     */
    private boolean survive(Throwable t, int failures, long delayNanos) {
        boolean over = closing && System.nanoTime() - drainDeadline >= 0;
        try {
            StackTraceElement[] at = t.getStackTrace();
            log.error(over ? "log pump failed while draining; what it held is reported as undelivered"
                            : "log pump failed; restarting it with its pipes and sinks",
                    "error", t.toString(), "at", at.length > 0 ? at[0].toString() : null, "failures", failures,
                    "restart_in", over ? null : Duration.ofNanos(delayNanos));
        } catch (Throwable ignored) {
            // not even memory for the log line: restart all the same
        }
        if (over) {
            return false;
        }
        long until = System.nanoTime() + delayNanos;
        for (long left = delayNanos; left > 0 && !closing; left = until - System.nanoTime()) {
            LockSupport.parkNanos(this, left); // close() unparks
        }
        return true;
    }

    /** Bytes read from every pipe so far. */
    long bytesRead() {
        Pump p;
        synchronized (this) {
            p = pump;
        }
        return p == null ? 0 : p.bytesRead();
    }

    /**
     * Reads what is left in the pipes (until every writer has closed them, at most
     * {@code drain}), gives the sinks until then to write what they hold, reports what stays
     * undelivered and closes the sinks.
     */
    public void close(Duration drain) {
        Thread p;
        synchronized (this) {
            p = thread;
        }
        if (p != null) {
            drainDeadline = System.nanoTime() + drain.toNanos();
            closing = true;
            poller.wake();
            LockSupport.unpark(p);
            try {
                p.join(drain.toMillis() + 500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (p.isAlive()) {
                // stuck in a write that poll(2) said would not block (another writer filled the
                // pipe first): leave its fds alone, kinesin is exiting
                log.warn("log pump still writing after the drain; its last lines may be lost");
                return;
            }
        }
        for (Sink sink : sinks.values()) {
            sink.close();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(1));
    }
}
