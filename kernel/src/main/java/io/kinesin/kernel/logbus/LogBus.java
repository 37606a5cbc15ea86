package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.Poller;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.Stream;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Carries children's output to sinks. {@link #attach} (the supervisor's thread) makes a pipe
 * for one of an instance's streams; one pump thread reads every pipe, frames lines and hands
 * batches to each sink's own thread and bounded queue ({@link Pump}, {@link SinkWorker}).
 * Whatever the pump's loop throws, it is logged and the loop starts again with the same pipes
 * and batches: a dead pump would leave every child blocked on a full pipe. {@link #close}
 * drains what children wrote, then gives the sinks a bounded time to deliver it.
 */
public final class LogBus implements AutoCloseable {

    private static final long FIRST_RESTART_DELAY = Duration.ofMillis(100).toNanos();
    private static final long LAST_RESTART_DELAY = Duration.ofSeconds(5).toNanos();
    /** {@code kinesin.shutdown.flush}'s default: how long sinks get to deliver at exit. */
    public static final Duration DEFAULT_FLUSH = Duration.ofSeconds(5);

    private final Log log;
    private final BusSettings settings;
    private final LogCounters counters = new LogCounters();
    private final Buffers buffers;
    private final Map<String, SinkWorker> sinks = new LinkedHashMap<>();
    /** Where every stream's batches also go, for {@code kinesin logs}; null: nowhere. */
    private final History history;
    private final ConcurrentLinkedQueue<Source> added = new ConcurrentLinkedQueue<>();
    private final Runnable beforeDeliveries;
    private final LongSupplier wallNanos;
    private volatile boolean closing;
    private volatile long drainDeadline;
    private volatile long flushNanos;
    /** Set by the pump once the pipes are read: until when sinks may deliver. */
    private volatile long flushDeadline;
    /** 0: reading pipes; 1: pipes read, offering what waits; 2: done. The pump's, kept here for its restarts. */
    private int phase;
    private volatile Poller poller;
    private Pump pump;
    private Thread thread;

    /**
     * @param sinks each sink by name; the bus calls them from then on, closes them at {@link #close}
     */
    public LogBus(Map<String, LogSink> sinks, BusSettings settings, Log log) {
        this(sinks, null, settings, log, LogBus::wallNanos, () -> { });
    }

    /**
     * @param history where every stream's lines also go, for {@code kinesin logs}; null: nowhere
     */
    public LogBus(Map<String, LogSink> sinks, History history, BusSettings settings, Log log) {
        this(sinks, history, settings, log, LogBus::wallNanos, () -> { });
    }

    /**
     * @param wallNanos        the clock lines are stamped with (nanoseconds since the epoch): a test seam
     * @param beforeDeliveries a test seam: runs on the pump thread after each round's reads,
     *                         before its deliveries, so that a test can make the pump's loop throw
     */
    LogBus(Map<String, LogSink> sinks, BusSettings settings, Log log, LongSupplier wallNanos, Runnable beforeDeliveries) {
        this(sinks, null, settings, log, wallNanos, beforeDeliveries);
    }

    private LogBus(Map<String, LogSink> sinks, History history, BusSettings settings, Log log, LongSupplier wallNanos,
                   Runnable beforeDeliveries) {
        this.log = log;
        this.settings = settings;
        this.wallNanos = wallNanos;
        this.beforeDeliveries = beforeDeliveries;
        sinks.forEach((name, sink) -> this.sinks.put(name, new SinkWorker(name, sink, settings.queueBytes(name),
                settings.callDeadline(), log, counters, this::wakePump)));
        long fullestQueue = this.sinks.keySet().stream().mapToLong(settings::queueBytes).max().orElse(0);
        this.buffers = new Buffers(Buffers.keepFor(fullestQueue));
        this.history = history;
    }

    static long wallNanos() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000_000L + t.getNano();
    }

    /** The arrays its batches are made of: for tests. */
    Buffers buffers() {
        return buffers;
    }

    /** What the bus has counted: lines, bytes, drops, sink errors. */
    public LogCounters counters() {
        return counters;
    }

    /**
     * A pipe for one stream of one instance, read from now on. Its buffer and overflow are the
     * ones {@link BusSettings#outputs} gives this service's stream.
     *
     * @return the write end, for the child; the caller closes it once the child has it
     */
    public int attach(String service, int instance, Stream stream, List<String> sinkNames) {
        return attach(service, instance, stream, sinkNames, null);
    }

    /**
     * A pipe for one stream of one instance, as {@link #attach(String, int, Stream, List)}, whose
     * lines {@code watch} sees first (on the pump's thread).
     */
    public int attach(String service, int instance, Stream stream, List<String> sinkNames, LineWatch watch) {
        Output output = settings.output(service, stream, sinkNames);
        SinkWorker[] targets = new SinkWorker[sinkNames.size()];
        for (int i = 0; i < sinkNames.size(); i++) {
            SinkWorker sink = sinks.get(sinkNames.get(i));
            if (sink == null) {
                throw new IllegalArgumentException("no sink named " + sinkNames.get(i));
            }
            targets[i] = sink;
        }
        Batch.Origin origin = new Batch.Origin(service, instance, stream);
        startPump();
        for (SinkWorker sink : targets) {
            sink.start();
        }
        int[] pipe = Fds.pipe();
        added.add(new Source(pipe[0], origin, targets, output, settings.maxLine(), counters, buffers, history, watch));
        poller.wake();
        return pipe[1];
    }

    /**
     * Asks every sink to reopen its files (SIGHUP, for an external logrotate). Each does it on
     * its own thread between two writes; this returns at once.
     */
    public void reopen() {
        for (SinkWorker sink : sinks.values()) {
            sink.reopen();
        }
    }

    private void wakePump() {
        Poller p = poller;
        if (p != null) {
            p.wake();
        }
    }

    private synchronized void startPump() {
        if (thread == null) {
            poller = new Poller(Pump.READ_BYTES);
            pump = new Pump(List.copyOf(sinks.values()), history, added, poller, beforeDeliveries, wallNanos, log);
            thread = new Thread(this::run, "kinesin-log-pump");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void run() {
        pump.warmUp();
        int failures = 0; // in a row, without a round completing in between
        while (true) {
            try {
                if (phase == 0) {
                    while (pump.round(closing, drainDeadline)) {
                        failures = 0;
                    }
                    pump.lastReads();
                    flushDeadline = System.nanoTime() + flushNanos;
                    phase = 1;
                }
                while (pump.offerRound(flushDeadline)) {
                    failures = 0;
                }
                pump.finish();
                phase = 2;
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
        boolean over = closing && System.nanoTime() - (phase == 0 ? drainDeadline : flushDeadline) >= 0;
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
     * kinesin is exiting. Reads what is left in the pipes (until every writer has closed them,
     * at most {@code drain}), then gives the sinks at most {@code flush} to deliver what they
     * hold, flush and close. Lines still undelivered then are counted in kinesin's log, one
     * line per sink: {@code msg="undelivered log lines" sink=loki lines=123}.
     */
    public void close(Duration drain, Duration flush) {
        Thread p;
        Pump running;
        synchronized (this) {
            p = thread;
            running = pump;
        }
        long deadline;
        if (p != null) {
            running.abandonWarmup();
            flushNanos = flush.toNanos();
            drainDeadline = System.nanoTime() + drain.toNanos();
            closing = true;
            poller.wake();
            LockSupport.unpark(p);
            try {
                p.join(drain.toMillis() + flush.toMillis() + 500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (p.isAlive()) {
                log.warn("log pump still busy after the drain; the lines it holds are not counted");
            }
            deadline = flushDeadline != 0 ? flushDeadline : System.nanoTime() + flush.toNanos();
        } else {
            deadline = System.nanoTime() + flush.toNanos();
        }
        for (SinkWorker sink : sinks.values()) {
            sink.start(); // an unused sink is closed on its own thread too, within the same bound
            sink.endInput();
        }
        for (SinkWorker sink : sinks.values()) {
            sink.awaitDone(deadline);
        }
        for (SinkWorker sink : sinks.values()) {
            sink.drops.reportAll();
        }
        for (SinkWorker sink : sinks.values()) {
            long undelivered = sink.abandon();
            if (undelivered > 0) {
                log.warn("undelivered log lines", "sink", sink.name, "lines", undelivered, "sink_state", sink.state());
            }
        }
    }

    /** {@link #close(Duration, Duration)} with a drain of one second and the default flush. */
    @Override
    public void close() {
        close(Duration.ofSeconds(1), DEFAULT_FLUSH);
    }
}
