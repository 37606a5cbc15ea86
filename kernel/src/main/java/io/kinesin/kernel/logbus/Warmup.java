package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.Poller;
import io.kinesin.spi.LineBuffer;
import io.kinesin.spi.LineFormat;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.Stream;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BooleanSupplier;

/**
 * Runs the bus's hot path (a pump's rounds over a pipe, framing, sealing, the history, a
 * sink's queue and thread, the spi's {@link LineFormat.Encoder} that the console and the file
 * sink encode with) on a few thousand made-up lines when the pump starts, so that the JIT
 * compiles it before the children's first burst instead of during it: kinesin runs with C1
 * only and its AOT cache holds no compiled code, and interpreted framing costs some 50 ms of
 * the first 10 MB a child writes (measured with one child writing 100,000 lines of 100 bytes:
 * 80 ms before, against 25 ms for supervisord). Takes a few milliseconds once compiled (some
 * 250 ms at start-up), on the pump thread, when it starts and once more a second later, but
 * not before no pipe has given anything for 100 ms ({@link Pump#afterBursts}; the pump then
 * has the young generation emptied: {@link #collect}), and stops between two rounds once
 * kinesin is exiting; touches nothing of the bus's own (its counters, buffers and sinks are
 * private) but the link to fcntl(2), which a busy pipe needs later.
 */
final class Warmup {

    static final int ROUNDS = 400;
    private static volatile byte[] garbage;
    /** Every poll of the warm-up is bounded: whatever goes wrong, the pump's thread goes on to its real work. */
    private static final long POLL_BOUND = 100_000_000L;

    private Warmup() {
    }

    /**
     * @param abandon checked before each round: true ends the warm-up there (it only costs speed)
     * @return the rounds it ran
     */
    static int run(BooleanSupplier abandon) {
        if (abandon.getAsBoolean()) {
            return 0;
        }
        FileChannel devNull = devNull();
        try {
            return run(abandon, devNull);
        } finally {
            if (devNull != null) {
                try {
                    devNull.close();
                } catch (IOException e) {
                    // nothing was kept in it
                }
            }
        }
    }

    private static int run(BooleanSupplier abandon, FileChannel devNull) {
        Log quiet = new Log(Log.Format.LOGFMT, Log.Level.ERROR, OutputStream.nullOutputStream());
        LogCounters counters = new LogCounters();
        Buffers buffers = new Buffers();
        SinkWorker raw = new SinkWorker("warmup-raw", new Discard(LineFormat.RAW, devNull), 1 << 20,
                Duration.ofSeconds(30), quiet, counters, () -> { });
        SinkWorker prefixed = new SinkWorker("warmup-prefixed", new Discard(LineFormat.PREFIXED, devNull), 1 << 20,
                Duration.ofSeconds(30), quiet, counters, () -> { });
        raw.start();
        prefixed.start();
        Output output = new Output(List.of("warmup-raw", "warmup-prefixed"), new Output.Buffer(8, 1 << 20, Duration.ZERO),
                Output.Overflow.DROP);
        byte[] lines = "a made-up line 1\nand another one\n".repeat(4).getBytes(StandardCharsets.US_ASCII);
        int[] pipe = Fds.pipe();
        boolean readEndOpen = true;
        int rounds = 0;
        try (Poller poller = new Poller(4096); Arena arena = Arena.ofConfined()) {
            Fds.setPipeSize(pipe[0], Pump.PIPE_BYTES);
            ConcurrentLinkedQueue<Source> added = new ConcurrentLinkedQueue<>();
            History history = new History(100);
            Pump pump = new Pump(List.of(raw, prefixed), history, added, poller, () -> { }, () -> 1, quiet);
            pump.noWarmup();
            Source source = new Source(pipe[0], new Batch.Origin("warmup", 0, Stream.STDOUT),
                    new SinkWorker[] {raw, prefixed}, output, BusSettings.DEFAULT_MAX_LINE, counters, buffers, history, null);
            added.add(source);
            MemorySegment scratch = arena.allocate(lines.length);
            for (; rounds < ROUNDS && !abandon.getAsBoolean(); rounds++) {
                Fds.writeFully(pipe[1], lines, lines.length, scratch);
                source.bigPipe = rounds % 2 == 1; // both ways of reading
                pump.round(true, System.nanoTime() + POLL_BOUND); // the pipe has lines: the poll returns at once
            }
            source.bigPipe = false;
            Fds.close(pipe[1]);
            pipe[1] = -1;
            for (int i = 0; i < 100 && !pump.idle(); i++) {
                pump.round(true, System.nanoTime() + POLL_BOUND); // reads the end of file, closes the read end
            }
            readEndOpen = !pump.idle();
        } finally {
            if (readEndOpen) {
                Fds.close(pipe[0]);
            }
            if (pipe[1] >= 0) {
                Fds.close(pipe[1]);
            }
        }
        long deadline = System.nanoTime() + 1_000_000_000L;
        raw.endInput();
        prefixed.endInput();
        raw.awaitDone(deadline);
        prefixed.awaitDone(deadline);
        return rounds;
    }

    /**
     * Makes short-lived garbage until the collector has run once (an object only this method
     * holds, weakly, is gone), at most the heap's maximum (more than the young generation can
     * hold, so short of an error it ends with a collection). The young generation is then
     * empty: the first burst of output fills the bus's buffer pool (a few MB of arrays, kept for
     * the bursts after it) without a collection, which would stop the pump for some 10 ms while
     * the child fills its pipe and waits. Costs one young collection, of a few ms.
     *
     * @return whether the collector ran
     */
    static boolean collect() {
        WeakReference<Object> probe = new WeakReference<>(new Object());
        long bound = Runtime.getRuntime().maxMemory();
        for (long made = 0; probe.get() != null && made < bound; made += 16 << 10) {
            garbage = new byte[16 << 10];
        }
        garbage = null;
        return probe.get() == null;
    }

    /**
     * {@code /dev/null} opened as the file sink opens its file (to append), so that the JDK's
     * path for writing a heap buffer to a file is compiled too; null if it cannot be opened
     * (the warm-up then does without).
     */
    private static FileChannel devNull() {
        try {
            return FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Encodes what it gets, as the console and the file sink do, writes it to {@code /dev/null}, and keeps none of it. */
    private static final class Discard implements LogSink {
        private final LineFormat.Encoder encoder;
        private final LineBuffer out = new LineBuffer();
        private final FileChannel devNull;

        Discard(LineFormat format, FileChannel devNull) {
            this.encoder = format.encoder(service -> false, false);
            this.devNull = devNull;
        }

        @Override
        public void write(List<LogLine> batch) throws IOException {
            out.clear();
            encoder.appendAll(batch, 0, out);
            if (devNull != null) {
                ByteBuffer bytes = out.view(0, out.size());
                while (bytes.hasRemaining()) {
                    devNull.write(bytes);
                }
            }
        }
    }
}
