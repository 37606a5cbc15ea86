package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static io.kinesin.kernel.logbus.FileBus.until;
import static org.assertj.core.api.Assertions.assertThat;

/** The pool keeps what a burst into a full queue held, so that the next burst makes no new array. */
class BuffersTest {

    /** Batches of 512 lines of 100 bytes (the default buffer's), each in a 64 KiB array. */
    private static final int BATCH_BYTES = 512 * 100;

    @Test
    void aBurstThatFilledTheDefaultQueueFindsEveryArrayAgainInTheNextBurst() {
        Buffers buffers = new Buffers(Buffers.keepFor(BusSettings.DEFAULT_QUEUE_BYTES));
        // a full queue (it takes one batch past its bound), the batch being written, and a read's worth waiting in the pump
        int inFlight = BusSettings.DEFAULT_QUEUE_BYTES / BATCH_BYTES + 2 + Pump.READ_BYTES / BATCH_BYTES + 1;

        List<byte[]> first = take(buffers, inFlight);
        first.forEach(buffers::give);
        List<byte[]> second = take(buffers, inFlight);

        Set<byte[]> made = Collections.newSetFromMap(new IdentityHashMap<>());
        made.addAll(first);
        assertThat(second).as("arrays the second burst got from the pool").allMatch(made::contains);
    }

    /**
     * A real bus, pipe and sink thread: a child floods a stream whose sink stalls until its
     * 16 MiB queue is full (more batches at once than the smallest bound, 8 MiB a size, would
     * keep), then the sink takes them all. Every array the burst made comes back to the pool.
     */
    @Test
    @Timeout(60)
    void everyArrayABurstIntoAFullQueueMadeIsKeptForTheNextBurst() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicLong delivered = new AtomicLong();
        LogSink stalled = new LogSink() {
            @Override
            public void write(List<LogLine> batch) throws IOException {
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted");
                }
                delivered.addAndGet(batch.size());
            }
        };
        int queue = 16 << 20;
        BusSettings settings = BusSettings.DEFAULT.withQueue("stalled", queue);
        Log quiet = new Log(Log.Format.LOGFMT, Log.Level.ERROR, OutputStream.nullOutputStream());
        LogBus bus = new LogBus(Map.of("stalled", stalled), settings, quiet);
        try {
            int fd = bus.attach("web", 0, Stream.STDOUT, List.of("stalled"));
            int lines = 200_000; // 20 MB of 100-byte lines: more than the queue holds
            StringBuilder sb = new StringBuilder(lines * 100);
            for (int i = 0; i < lines; i++) {
                sb.append(String.format("%010d ", i)).append("x".repeat(88)).append('\n');
            }
            byte[] burst = sb.toString().getBytes(StandardCharsets.US_ASCII);
            Thread child = Thread.ofPlatform().daemon().name("child-writer").start(() -> {
                FileBus.write(fd, burst); // waits in write(2) while the queue is full
                Fds.close(fd);
            });

            int queued = queue / 100 * 9 / 10;
            until("the pump has framed nine tenths of a queue's worth of lines, all held",
                    () -> bus.counters().lines("web", Stream.STDOUT) >= queued);
            gate.countDown();
            child.join(30_000);
            until("the sink has every line", () -> delivered.get() == lines);

            Buffers buffers = bus.buffers();
            long made = buffers.made(BATCH_BYTES);
            assertThat(made).as("64 KiB arrays the burst held at once, more than 8 MiB of them")
                    .isGreaterThan(Buffers.DEFAULT_KEEP_BYTES / 65536);
            // the source's own read buffer may be one of them: it keeps it until it has been quiet a while
            until("every 64 KiB array the burst made, but the source's own, is back in the pool (" + made + ")",
                    () -> buffers.kept(BATCH_BYTES) >= buffers.made(BATCH_BYTES) - 1);
        } finally {
            gate.countDown();
            bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
        }
    }

    @Test
    void aBiggerQueueKeepsMoreAndNoQueueKeepsTheDefault() {
        assertThat(Buffers.keepFor(0)).isEqualTo(Buffers.DEFAULT_KEEP_BYTES);
        assertThat(Buffers.keepFor(64 << 20)).isGreaterThanOrEqualTo(2L * (64 << 20));
    }

    @Test
    void whatIsBeyondTheBoundIsLeftToTheCollector() {
        Buffers buffers = new Buffers(Buffers.DEFAULT_KEEP_BYTES);
        int kept = (int) (Buffers.DEFAULT_KEEP_BYTES / 65536);
        List<byte[]> arrays = take(buffers, kept + 10);
        arrays.forEach(buffers::give);

        Set<byte[]> given = Collections.newSetFromMap(new IdentityHashMap<>());
        given.addAll(arrays);
        long again = take(buffers, kept + 10).stream().filter(given::contains).count();
        assertThat(again).isEqualTo(kept);
    }

    private static List<byte[]> take(Buffers buffers, int n) {
        List<byte[]> arrays = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            arrays.add(buffers.bytes(BATCH_BYTES));
        }
        return arrays;
    }
}
