package io.kinesin.kernel.logbus;

import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plugin-like sink that keeps what it gets, seen only through the SPI: every batch as the
 * lines it held. It can be made to stall (every call waits on a latch), fail the next writes,
 * or refuse them as undeliverable.
 */
final class RecordingSink implements LogSink {

    private final List<List<LogLine>> batches = new ArrayList<>();
    private final List<Long> arrivals = new ArrayList<>();
    private final CountDownLatch gate;
    final AtomicInteger failuresLeft = new AtomicInteger();
    final AtomicInteger undeliverableLeft = new AtomicInteger();
    final AtomicInteger reopened = new AtomicInteger();
    final AtomicInteger flushed = new AtomicInteger();
    final AtomicInteger writeCalls = new AtomicInteger();
    volatile boolean closed;
    /** The thread that called the sink last: the bus's worker for it. */
    volatile Thread caller;

    /** A sink that takes every batch at once. */
    RecordingSink() {
        this(null);
    }

    /** A sink whose every write waits until {@code gate} opens: a hung or slow destination. */
    RecordingSink(CountDownLatch gate) {
        this.gate = gate;
    }

    @Override
    public void write(List<LogLine> batch) throws IOException {
        caller = Thread.currentThread();
        writeCalls.incrementAndGet();
        if (gate != null) {
            try {
                while (!gate.await(10, TimeUnit.SECONDS)) {
                    // a test that never opens it: keep the worker parked
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
        if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IOException("injected failure");
        }
        if (undeliverableLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new LogSink.Undeliverable("injected 400 Bad Request");
        }
        List<LogLine> copy = new ArrayList<>(batch); // the lines copy their bytes
        synchronized (this) {
            batches.add(copy);
            arrivals.add(System.nanoTime());
            notifyAll();
        }
    }

    @Override
    public void flush() {
        flushed.incrementAndGet();
    }

    @Override
    public void reopen() {
        reopened.incrementAndGet();
    }

    @Override
    public void close() {
        closed = true;
    }

    synchronized List<List<LogLine>> batches() {
        return List.copyOf(batches);
    }

    synchronized List<Long> arrivals() {
        return List.copyOf(arrivals);
    }

    synchronized List<LogLine> lines() {
        List<LogLine> out = new ArrayList<>();
        batches.forEach(out::addAll);
        return out;
    }

    List<String> texts() {
        return lines().stream().map(l -> new String(l.text(), StandardCharsets.UTF_8)).toList();
    }

    synchronized int lineCount() {
        int n = 0;
        for (List<LogLine> b : batches) {
            n += b.size();
        }
        return n;
    }
}
