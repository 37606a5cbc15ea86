package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.Poller;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sink's thread is woken once per pump round, after the round's reads are framed and every
 * batch they made is queued, not with each batch: a read of a busy pipe makes about ten, and
 * a sink that keeps up would otherwise be woken (a futex wake from the pump's CPU) for each.
 * Seen from the sink: when it is first called, the whole read is already framed (the read's
 * line count is in), and one wake-up takes every batch of the read, with one flush after them.
 */
@Timeout(60)
class SinkWakeTest {

    @Test
    void theSinkIsWokenOnceForEveryBatchOfARead() {
        Log quiet = new Log(Log.Format.LOGFMT, Log.Level.ERROR, new ByteArrayOutputStream());
        LogCounters counters = new LogCounters();
        LogCounters.Read read = counters.readCounter("web", Stream.STDOUT);
        AtomicLong framedAtFirstWrite = new AtomicLong(-1);
        AtomicInteger writes = new AtomicInteger();
        AtomicInteger lines = new AtomicInteger();
        AtomicInteger flushes = new AtomicInteger();
        LogSink sink = new LogSink() {
            @Override
            public void write(List<LogLine> batch) {
                framedAtFirstWrite.compareAndSet(-1, read.lines.get());
                writes.incrementAndGet();
                lines.addAndGet(batch.size());
            }

            @Override
            public void flush() {
                flushes.incrementAndGet();
            }
        };
        SinkWorker worker = new SinkWorker("counting", sink, 64 << 20, Duration.ofSeconds(30), quiet, counters, () -> { });
        worker.start();
        int[] pipe = Fds.pipe();
        try (Poller poller = new Poller(4096)) {
            assertThat(Fds.setPipeSize(pipe[0], 1 << 20)).isGreaterThanOrEqualTo(1 << 20);
            ConcurrentLinkedQueue<Source> added = new ConcurrentLinkedQueue<>();
            Pump pump = new Pump(List.of(worker), null, added, poller, () -> { }, () -> 1, quiet);
            pump.noWarmup();
            Source source = new Source(pipe[0], new Batch.Origin("web", 0, Stream.STDOUT), new SinkWorker[] {worker},
                    Output.to(List.of("counting")), BusSettings.DEFAULT_MAX_LINE, counters, new Buffers(), null, null);
            source.bigPipe = true;
            added.add(source);

            FileBus.write(pipe[1], lines(5_000)); // 500 KB: one read, ten batches of 512 lines
            pump.round(false, 0);
            FileBus.until("the sink has every line", () -> lines.get() == 5_000 && flushes.get() > 0);

            assertThat(writes.get()).as("batches").isEqualTo(10);
            assertThat(framedAtFirstWrite.get()).as("lines framed when the sink was first called").isEqualTo(5_000);
            assertThat(flushes.get()).as("flushes: the sink found the queue empty only after the last batch").isEqualTo(1);
        } finally {
            Fds.close(pipe[1]);
            Fds.close(pipe[0]);
            worker.endInput();
            worker.awaitDone(System.nanoTime() + 5_000_000_000L);
        }
    }

    /** {@code n} lines of 100 bytes. */
    private static byte[] lines(int n) {
        StringBuilder b = new StringBuilder(n * 100);
        for (int i = 0; i < n; i++) {
            b.append(String.format("%010d %s%n", i, "x".repeat(88)));
        }
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
