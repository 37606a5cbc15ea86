package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.Poller;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Carries children's output to sinks. {@link #attach} (the supervisor's thread) makes a pipe
 * for one of an instance's streams; one pump thread reads every pipe, frames lines and
 * writes them to the sinks. {@link #close} drains what children wrote before kinesin exits.
 */
public final class LogBus implements AutoCloseable {

    private static final int READ_BYTES = 64 * 1024;

    private final Log log;
    private final Map<String, Sink> sinks = new LinkedHashMap<>();
    private final ConcurrentLinkedQueue<Source> added = new ConcurrentLinkedQueue<>();
    private volatile boolean closing;
    private volatile long drainDeadline;
    /** Written by the pump only; read by tests to know the pump has seen what a child wrote. */
    private volatile long bytesRead;
    private Poller poller;
    private Thread pump;

    /**
     * Opens every sink (files are created if missing).
     *
     * @throws io.kinesin.kernel.process.NativeException naming a file that cannot be opened
     */
    public LogBus(List<SinkSpec> specs, Log log) {
        this.log = log;
        for (SinkSpec spec : specs) {
            sinks.put(spec.name(), new Sink(spec, log));
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
        if (pump == null) {
            poller = new Poller(READ_BYTES);
            pump = new Thread(this::pump, "kinesin-log-pump");
            pump.setDaemon(true);
            pump.start();
        }
    }

    private void pump() {
        List<Source> sources = new ArrayList<>();
        int[] fds = new int[16];
        boolean[] ready = new boolean[16];
        byte[] buffer = new byte[READ_BYTES];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment scratch = arena.allocate(READ_BYTES);
            while (true) {
                for (Source s; (s = added.poll()) != null; ) {
                    sources.add(s);
                }
                if (closing && (sources.isEmpty() || System.nanoTime() - drainDeadline > 0)) {
                    break;
                }
                if (fds.length < sources.size()) {
                    fds = new int[sources.size() * 2];
                    ready = new boolean[fds.length];
                }
                for (int i = 0; i < sources.size(); i++) {
                    fds[i] = sources.get(i).fd;
                }
                int timeout = closing ? (int) Math.max(1, (drainDeadline - System.nanoTime()) / 1_000_000) : -1;
                poller.await(fds, sources.size(), timeout, ready);
                List<Source> ended = null;
                for (int i = 0; i < sources.size(); i++) {
                    if (!ready[i]) {
                        continue;
                    }
                    Source s = sources.get(i);
                    int n = poller.read(s.fd, buffer);
                    if (n > 0) {
                        bytesRead += n;
                        s.feed(buffer, n);
                    } else {
                        s.finish();
                        Fds.close(s.fd);
                        (ended == null ? ended = new ArrayList<>() : ended).add(s);
                    }
                }
                if (ended != null) {
                    sources.removeAll(ended);
                }
                for (Sink sink : sinks.values()) {
                    sink.flush(scratch);
                }
            }
            for (Source s : sources) {
                s.finish();
            }
            for (Sink sink : sinks.values()) {
                sink.flush(scratch);
            }
        } catch (RuntimeException e) {
            log.error("log pump failed; children's output is no longer copied", "error", e.toString());
        }
    }

    /** Bytes read from every pipe so far. */
    long bytesRead() {
        return bytesRead;
    }

    /**
     * Reads what is left in the pipes (until every writer has closed them, at most
     * {@code drain}), writes it out and closes the sinks.
     */
    public void close(Duration drain) {
        Thread p;
        synchronized (this) {
            p = pump;
        }
        if (p != null) {
            drainDeadline = System.nanoTime() + drain.toNanos();
            closing = true;
            poller.wake();
            try {
                p.join(drain.toMillis() + 500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (p.isAlive()) {
                // stuck writing to a sink that does not take more: leave its fds alone, kinesin is exiting
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
