package io.kinesin.spi;

import io.kinesin.spi.contract.LogSinkContract;

import java.util.Arrays;
import java.util.List;

/** The sink contract holds for the simplest conforming sink: raw lines into memory. */
class MemorySinkContractTest extends LogSinkContract {

    private MemorySink sink;

    @Override
    protected LogSink newSink() {
        sink = new MemorySink();
        return sink;
    }

    @Override
    protected List<String> delivered() {
        return lines(Arrays.copyOf(sink.delivered.array(), sink.delivered.size()));
    }

    /** Delivers on flush, as a buffering sink does; what close discards was never flushed. */
    private static final class MemorySink implements LogSink {
        private final LineFormat.Encoder raw = LineFormat.RAW.encoder(s -> false, false);
        private final LineBuffer pending = new LineBuffer();
        final LineBuffer delivered = new LineBuffer();
        private boolean closed;

        @Override
        public void write(List<LogLine> batch) {
            if (closed) {
                throw new IllegalStateException("closed");
            }
            for (LogLine line : batch) {
                raw.append(line, pending);
            }
        }

        @Override
        public void flush() {
            delivered.put(pending.array(), 0, pending.size());
            pending.clear();
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
