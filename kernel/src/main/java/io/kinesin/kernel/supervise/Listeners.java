package io.kinesin.kernel.supervise;

import io.kinesin.kernel.log.Log;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands lifecycle records from the supervisor's thread to the listeners on a thread of their
 * own, through a bounded queue: {@link #publish} never blocks. When the queue is full a record
 * is dropped and counted, and the count is logged once the listeners catch up. With no
 * listener, publishing costs nothing and no thread is started.
 */
final class Listeners {

    static final int CAPACITY = 4096;

    private final Log log;
    private final List<LifecycleListener> listeners = new CopyOnWriteArrayList<>();
    private final ArrayBlockingQueue<Lifecycle> queue;
    private final AtomicLong dropped = new AtomicLong();
    /** Records handed over (or dropped), and records the listeners are done with (or that were dropped). */
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private Thread thread;

    Listeners(Log log, int capacity) {
        this.log = log;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    synchronized void add(LifecycleListener listener) {
        listeners.add(listener);
        if (thread == null) {
            thread = new Thread(this::run, "kinesin-lifecycle");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** Whether every record published so far has been through every listener (any thread). */
    boolean caughtUp() {
        return done.get() == offered.get();
    }

    /** Supervisor thread: never blocks. */
    void publish(Lifecycle record) {
        if (listeners.isEmpty()) {
            return;
        }
        offered.incrementAndGet();
        if (!queue.offer(record)) {
            dropped.incrementAndGet();
            done.incrementAndGet();
        }
    }

    private void run() {
        while (true) {
            Lifecycle record;
            try {
                record = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            for (LifecycleListener l : listeners) {
                try {
                    l.on(record);
                } catch (RuntimeException | LinkageError e) {
                    log.warn("lifecycle listener failed", "listener", l.getClass().getName(), "error", e.toString());
                }
            }
            done.incrementAndGet();
            long lost = queue.isEmpty() ? dropped.getAndSet(0) : 0;
            if (lost > 0) {
                log.warn("lifecycle records dropped: the listeners fell behind", "records", lost);
            }
        }
    }
}
