package io.kinesin.spi;

import java.io.IOException;
import java.util.List;

/**
 * A destination for children's output lines (a file, Grafana Loki, ...). Encoding and
 * delivery are the sink's; queueing, batching ({@code buffer}), backpressure
 * ({@code overflow}), retries and counting are the kernel's.
 *
 * <p>Threads: each sink has its own worker thread in the kernel, and every method here is
 * called on it, one call at a time: a sink needs no locking of its own, and a slow or hung
 * sink delays nobody but itself.
 *
 * <p>Failure: an exception from {@link #write} means the batch was not delivered; the kernel
 * logs it (rate-limited), counts it ({@code kinesin_sink_errors_total}) and calls
 * {@code write} again with the same batch after a backoff, while new lines wait in the
 * sink's bounded queue. A batch the sink knows it will never deliver (a 4xx from a server)
 * should be reported with {@link Undeliverable}: the kernel then counts its lines as dropped
 * and moves on. A call that does not return within the kernel's deadline is abandoned: its
 * lines are counted as undelivered at exit.
 *
 * <p>After {@link #close}, {@code write} throws {@link IllegalStateException}; {@code flush},
 * {@code reopen} and {@code close} do nothing. {@code io.kinesin.spi.contract.LogSinkContract}
 * in the spi test-jar checks these rules for any sink.
 */
public interface LogSink extends AutoCloseable {

    /**
     * Delivers lines, in order. The list and the lines' bytes are the kernel's, valid for
     * the duration of the call.
     */
    void write(List<LogLine> batch) throws IOException;

    /** Pushes out what {@link #write} buffered; called when the queue runs empty and at exit. */
    default void flush() throws IOException {
    }

    /** Reopens files (SIGHUP to kinesin, for an external logrotate); nothing by default. */
    default void reopen() throws IOException {
    }

    /** Stops: after {@link #flush}, at kinesin's exit. */
    @Override
    default void close() throws IOException {
    }

    /** A batch that will never be delivered: its lines are dropped and counted, not retried. */
    final class Undeliverable extends IOException {
        private static final long serialVersionUID = 1L;

        public Undeliverable(String message) {
            super(message);
        }

        public Undeliverable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
