package io.kinesin.kernel.log;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.function.LongFunction;

/**
 * Writes kinesin's own log lines on a thread of its own, so that a stderr nobody reads (a
 * full pipe, a slow container log driver) never stalls the thread that logs: the supervisor's
 * loop, above all. Lines wait in a bounded queue; when it is full, new lines are dropped and
 * counted, and once writing works again one line says how many were lost.
 *
 * <p>The writer thread starts with the first line, so a quiet mode (the {@code --} mode logs
 * only warnings) never pays for it.
 */
final class LogWriter {

    /** What the queue holds at most: a burst of kinesin's own lines (100 replicas starting) and then some. */
    static final int MAX_BYTES = 64 * 1024;

    private final OutputStream out;
    private final LongFunction<byte[]> droppedLine;
    private final int maxBytes;
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private int queuedBytes;
    private long dropped;
    private boolean writing;
    private Thread thread;

    /**
     * @param droppedLine the line that reports {@code n} dropped lines, in the log's format
     */
    LogWriter(OutputStream out, LongFunction<byte[]> droppedLine, int maxBytes) {
        this.out = out;
        this.droppedLine = droppedLine;
        this.maxBytes = maxBytes;
    }

    /** Queues a line; never blocks on the output. */
    synchronized void offer(byte[] line) {
        if (queuedBytes + line.length > maxBytes) {
            dropped++;
            return;
        }
        queue.addLast(line);
        queuedBytes += line.length;
        if (thread == null) {
            thread = new Thread(this::run, "kinesin-log-writer");
            thread.setDaemon(true);
            thread.start();
        }
        notifyAll();
    }

    /**
     * Waits, at most {@code bound}, until every queued line is written: for kinesin's exit,
     * whose last lines matter, but which must not hang on a stderr nobody reads.
     */
    synchronized void drain(Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!queue.isEmpty() || writing) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void run() {
        while (true) {
            byte[] line;
            long lost = 0;
            synchronized (this) {
                writing = false;
                notifyAll();
                while (queue.isEmpty()) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                line = queue.pollFirst();
                queuedBytes -= line.length;
                writing = true;
            }
            write(line);
            synchronized (this) {
                // the write went through: the output takes lines again, so say what it missed
                if (dropped > 0) {
                    lost = dropped;
                    dropped = 0;
                }
            }
            if (lost > 0) {
                write(droppedLine.apply(lost));
            }
        }
    }

    private void write(byte[] line) {
        try {
            out.write(line);
            out.flush();
        } catch (IOException e) {
            // the output is gone for good: nowhere left to say so
        }
    }
}
