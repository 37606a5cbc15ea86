package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.spi.LineBuffer;
import io.kinesin.spi.LineFormat;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The bus's hot path, one 64 KiB read of 100-byte lines (655 lines, the read cutting the last
 * one) per operation, with the JVM flags kinesin runs with (C1 only, serial GC):
 * <ul>
 * <li>{@code pump}: framing, stamping, sealing and routing the batch into a sink's queue (the
 *     sink's thread takes it: a sink that does nothing);
 * <li>{@code frame}: the same without a sink, to see what routing costs;
 * <li>{@code rawFile}, {@code prefixed}, {@code json}: what a built-in sink's thread spends on a
 *     batch of 512 lines (raw: written as it is to /dev/null; the others: encoded);
 * <li>{@code logLines}: a plugin sink's view of the batch, every {@link LogLine} made.
 * </ul>
 * Run: see docs/benchmarks.md. Not run by {@code mvn verify}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx96m", "--enable-native-access=ALL-UNNAMED"})
public class FramingBenchmark {

    @Param({"100"})
    int lineBytes;

    private byte[] stream;
    private int offset;
    private long clock;
    private Source routed;
    private Source unrouted;
    private SinkWorker worker;
    private Batch batch;
    private Batch other;
    private boolean flip;
    private LogSink rawFile;
    private LineFormat.Encoder prefixed;
    private LineFormat.Encoder json;
    private final LineBuffer encoded = new LineBuffer();

    /** A sink that takes every batch and does nothing with it. */
    private static final class Discard implements LogSink {
        @Override
        public void write(List<LogLine> lines) {
        }
    }

    @Setup(Level.Trial)
    public void setup() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; sb.length() < 4 << 20; i++) {
            String head = String.format("%010d ", i);
            sb.append(head).append("abcdefghijklmnopqrstuvwxyz".repeat(8), 0, lineBytes - 1 - head.length()).append('\n');
        }
        stream = sb.toString().getBytes(StandardCharsets.US_ASCII);
        Log log = new Log(Log.Format.LOGFMT, Log.Level.ERROR, OutputStream.nullOutputStream());
        LogCounters counters = new LogCounters();
        worker = new SinkWorker("discard", new Discard(), 64 << 20, Duration.ofSeconds(30), log, counters, () -> { });
        worker.start();
        Batch.Origin origin = new Batch.Origin("web", 0, Stream.STDOUT);
        Output output = new Output(List.of("discard"), Output.Buffer.DEFAULT, Output.Overflow.DROP);
        routed = new Source(-1, origin, new SinkWorker[] {worker}, output, BusSettings.DEFAULT_MAX_LINE, counters, new Buffers());
        unrouted = new Source(-1, origin, new SinkWorker[0], Output.to(List.of()), BusSettings.DEFAULT_MAX_LINE, counters, new Buffers());

        batch = batchOf(origin, 512);
        other = batchOf(origin, 512);
        rawFile = FileBus.file("null", Path.of("/dev/null"), LineFormat.RAW).sink();
        prefixed = LineFormat.PREFIXED.encoder(service -> false, false);
        json = LineFormat.JSON.encoder(service -> false, false);
    }

    private Batch batchOf(Batch.Origin origin, int lines) {
        int length = lines * lineBytes;
        int[] ends = new int[lines];
        long[] at = new long[lines];
        for (int i = 0; i < lines; i++) {
            ends[i] = (i + 1) * lineBytes - 1;
            at[i] = 1_764_000_000_000_000_000L + i;
        }
        return new Batch(origin, java.util.Arrays.copyOf(stream, length), lines, ends, at, null);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        worker.endInput();
        worker.awaitDone(System.nanoTime() + 5_000_000_000L);
        rawFile.close();
    }

    private int next() {
        int at = offset;
        offset += 65536;
        if (offset + 65536 > stream.length) {
            offset = 0;
        }
        return at;
    }

    @Benchmark
    public void pump() {
        long now = ++clock;
        routed.feed(stream, next(), 65536, now, now);
        routed.tick(now);
        worker.wake(); // as the pump does at the end of its round
    }

    @Benchmark
    public void frame() {
        long now = ++clock;
        unrouted.feed(stream, next(), 65536, now, now);
        unrouted.tick(now);
    }

    /** Finding every newline of a 64 KiB read, as framing does (one search per line). */
    @Benchmark
    public int scan() {
        int at = next();
        int end = at + 65536;
        int lines = 0;
        for (int i = at; i < end; ) {
            int nl = Source.indexOfNewline(stream, i, end);
            if (nl < 0) {
                break;
            }
            lines++;
            i = nl + 1;
        }
        return lines;
    }

    @Benchmark
    public void rawFile() throws Exception {
        flip = !flip;
        rawFile.write(flip ? batch : other); // another batch each time: the same one again is a retry, already done
    }

    @Benchmark
    public int prefixed() {
        encoded.clear();
        prefixed.appendAll(batch, 0, encoded);
        return encoded.size();
    }

    @Benchmark
    public int json() {
        encoded.clear();
        json.appendAll(batch, 0, encoded);
        return encoded.size();
    }

    @Benchmark
    public void logLines(Blackhole bh) {
        for (LogLine l : batch) {
            bh.consume(l);
        }
    }
}
