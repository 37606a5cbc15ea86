package io.kinesin.sink.loki;

import com.github.loki4j.client.batch.Batcher;
import com.github.loki4j.client.batch.LogRecord;
import com.github.loki4j.client.batch.LogRecordBatch;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Pushes lines to Grafana Loki. Each {@link #write} delivers its whole batch before it returns
 * (split into pushes by loki4j's {@link Batcher}, at most {@code batch.lines} lines and
 * {@code batch.bytes} bytes each), so what the kernel counts as delivered is in Loki, and what
 * is not is in the kernel's queue, retried or counted. When a push fails, the kernel calls
 * {@code write} again with the same batch: the lines of it already pushed are skipped, and the
 * others get the same timestamps as before, so a push Loki took but could not answer is not
 * stored twice (Loki drops a line equal to one it has, time and text).
 */
final class LokiSink implements LogSink {

    private final Push push;
    private final Streams streams;
    private final int batchLines;
    private final int batchBytes;
    /** The batch whose write failed, and how many of its lines Loki has: a retry starts there. */
    private List<LogLine> retrying;
    private int retryFrom;
    private boolean closed;

    LokiSink(Push push, Streams streams, int batchLines, int batchBytes) {
        this.push = push;
        this.streams = streams;
        this.batchLines = batchLines;
        this.batchBytes = batchBytes;
    }

    @Override
    public void write(List<LogLine> batch) throws IOException {
        if (closed) {
            throw new IllegalStateException("the loki sink is closed");
        }
        int from = batch == retrying ? retryFrom : 0;
        retrying = null;
        Batcher batcher = new Batcher(batchLines, batchBytes, 0);
        LogRecordBatch cut = new LogRecordBatch(batchLines);
        Map<Streams.Entry, Long> stamped = new HashMap<>();
        ArrayDeque<Streams.Entry> batched = new ArrayDeque<>(); // the stream of each line in the batcher, in order
        int sent = from;
        try {
            for (int i = from; i < batch.size(); i++) {
                LogLine line = batch.get(i);
                Streams.Entry stream = streams.of(line);
                LogRecord record = record(line, stream, stamped);
                batcher.checkSizeBeforeAdd(record, cut);
                sent = pushIfCut(cut, batched, sent);
                batcher.add(record, cut);
                batched.add(stream);
                sent = pushIfCut(cut, batched, sent);
            }
            batcher.drain(0, cut);
            pushIfCut(cut, batched, sent);
        } catch (IOException | RuntimeException e) {
            if (!(e instanceof Undeliverable)) {
                retrying = batch;
                retryFrom = sent;
            }
            throw e;
        }
    }

    /**
     * Pushes {@code cut} if the batcher cut one (the next lines after {@code sent}, whose streams
     * lead {@code batched}), and records each stream's last time Loki took.
     *
     * @return how many lines of the kernel's batch are delivered now
     */
    private int pushIfCut(LogRecordBatch cut, ArrayDeque<Streams.Entry> batched, int sent) throws IOException {
        if (cut.isEmpty()) {
            return sent;
        }
        push.send(cut);
        for (int i = 0; i < cut.size(); i++) {
            LogRecord r = cut.get(i);
            batched.remove().delivered = r.timestampMs * 1_000_000 + r.nanosInMs;
        }
        int done = sent + cut.size();
        cut.clear();
        return done;
    }

    /** The line as loki4j's record: its stream's labels, its text, and a time later than its stream's last. */
    private static LogRecord record(LogLine line, Streams.Entry stream, Map<Streams.Entry, Long> stamped) {
        long previous = stamped.getOrDefault(stream, stream.delivered);
        long at = Math.max(Streams.nanos(line.at()), previous + 1);
        stamped.put(stream, at);
        return LogRecord.create(Math.floorDiv(at, 1_000_000), (int) Math.floorMod(at, 1_000_000), stream.labels, line.string(), Map.of());
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            push.close();
        } catch (Exception e) {
            throw new IOException("closing the connection to Loki: " + e.getMessage(), e);
        }
    }
}
