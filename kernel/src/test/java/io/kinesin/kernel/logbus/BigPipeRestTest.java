package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.Poller;
import io.kinesin.spi.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A big pipe is left alone for a while after a read that took little from it (the child fills
 * it meanwhile), but read again at once after a read that took much: that child writes faster
 * than the pump reads, and would otherwise wait on a full pipe through the rest.
 */
@Timeout(60)
class BigPipeRestTest {

    @Test
    void aBigPipeRestsAfterALittleReadAndNotAfterABigOne() {
        Log quiet = new Log(Log.Format.LOGFMT, Log.Level.ERROR, new ByteArrayOutputStream());
        int[] pipe = Fds.pipe();
        try (Poller poller = new Poller(4096)) {
            assertThat(Fds.setPipeSize(pipe[0], 1 << 20)).isGreaterThanOrEqualTo(1 << 20);
            ConcurrentLinkedQueue<Source> added = new ConcurrentLinkedQueue<>();
            Pump pump = new Pump(List.of(), null, added, poller, () -> { }, () -> 1, quiet);
            pump.noWarmup();
            Source source = new Source(pipe[0], new Batch.Origin("web", 0, Stream.STDOUT), new SinkWorker[0], Output.to(List.of()),
                    BusSettings.DEFAULT_MAX_LINE, new LogCounters(), new Buffers(), null, null);
            source.bigPipe = true;
            added.add(source);

            FileBus.write(pipe[1], lines(3_000)); // 300 KB: more than a quarter of the pipe
            pump.round(false, 0);
            assertThat(source.restUntil).as("no rest after a read of 300 KB").isZero();

            FileBus.write(pipe[1], lines(100)); // 10 KB
            pump.round(false, 0);
            assertThat(source.restUntil).as("a rest after a read of 10 KB").isNotZero();
        } finally {
            Fds.close(pipe[1]);
            Fds.close(pipe[0]);
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
