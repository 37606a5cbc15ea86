package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.spi.LineFormat;
import io.kinesin.spi.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.kinesin.kernel.logbus.FileBus.until;
import static io.kinesin.kernel.logbus.FileBus.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Children's output framed into lines: real pipes into a real file sink. */
@Timeout(60) // a pump or close() that hangs fails the test instead of hanging the build
class LogBusTest {

    private static final int MAX = 64 * 1024;

    @TempDir
    Path dir;

    @Test
    void aLineWrittenInPiecesComesOutWhole() {
        FileBus b = new FileBus(dir, LineFormat.RAW);
        int fd = b.attach("web");
        for (String piece : new String[] {"GET /in", "dex.html ", "200", "\nsecond ", "line\nthi", "rd\n"}) {
            b.send(fd, piece);
            b.awaitRead();
        }
        Fds.close(fd);
        assertThat(b.closeAndReadLines()).containsExactly("GET /index.html 200", "second line", "third");
        assertThat(b.logged()).isEmpty();
    }

    @Test
    void emptyLinesAreKept() {
        FileBus b = new FileBus(dir, LineFormat.PREFIXED);
        int fd = b.attach("web");
        write(fd, "a\n\n\nb\n");
        Fds.close(fd);
        assertThat(b.closeAndReadLines()).containsExactly("web | a", "web | ", "web | ", "web | b");
    }

    @Test
    void twoSourcesWritingHalfLinesNeverMergeOrSplit() {
        FileBus b = new FileBus(dir, LineFormat.PREFIXED);
        int web = b.attach("web");
        int db = b.attach("db");
        b.send(web, "web starts ");
        b.awaitRead();
        b.send(db, "db starts ");
        b.awaitRead();
        b.send(web, "listening\nweb half");
        b.awaitRead();
        b.send(db, "recovering\ndb half");
        b.awaitRead();
        b.send(web, " done\n");
        b.awaitRead();
        b.send(db, " done\n");
        Fds.close(web);
        Fds.close(db);
        assertThat(b.closeAndReadLines()).containsExactlyInAnyOrder(
                "web | web starts listening", "web | web half done", "db | db starts recovering", "db | db half done");
    }

    @Test
    void aLastLineWithoutNewlineIsWrittenWithOne() {
        FileBus b = new FileBus(dir, LineFormat.RAW);
        int fd = b.attach("web");
        b.send(fd, "one\ntwo");
        b.awaitRead();
        Fds.close(fd);
        assertThat(new String(b.closeAndRead(), StandardCharsets.UTF_8)).isEqualTo("one\ntwo\n");
    }

    @Test
    void aLineLongerThan64KiBIsCutInto64KiBLinesWithNoByteLost() {
        byte[] line = noNewlines(2 * MAX + 1000, 1);
        FileBus b = new FileBus(dir, LineFormat.RAW);
        int fd = b.attach("web");
        b.send(fd, Arrays.copyOfRange(line, 0, 100)); // the first read sees a partial line
        b.awaitRead();
        for (int off = 100; off < line.length; off += 10_000) {
            write(fd, Arrays.copyOfRange(line, off, Math.min(line.length, off + 10_000)));
        }
        write(fd, "\nafter\n");
        Fds.close(fd);
        List<byte[]> out = FileBus.byteLines(b.closeAndRead());
        assertThat(out).extracting(l -> l.length).containsExactly(MAX, MAX, 1000, 5);
        assertThat(concat(out.subList(0, 3))).isEqualTo(line);
        assertThat(new String(out.get(3), StandardCharsets.UTF_8)).isEqualTo("after");
    }

    @Test
    void aLineOfExactly64KiBStaysOneLine() {
        byte[] exact = noNewlines(MAX, 2);
        byte[] oneMore = noNewlines(MAX + 1, 3);
        FileBus b = new FileBus(dir, LineFormat.RAW);
        int fd = b.attach("web");
        b.send(fd, exact);
        b.awaitRead();
        b.send(fd, "\n");
        b.send(fd, oneMore);
        b.awaitRead();
        b.send(fd, "\n");
        Fds.close(fd);
        List<byte[]> out = FileBus.byteLines(b.closeAndRead());
        assertThat(out).extracting(l -> l.length).containsExactly(MAX, MAX, 1);
        assertThat(out.get(0)).isEqualTo(exact);
        assertThat(concat(out.subList(1, 3))).isEqualTo(oneMore);
    }

    @Test
    void aLongLineWithoutNewlineAtEndOfFileLosesNothing() {
        byte[] line = noNewlines(MAX + 10, 4);
        FileBus b = new FileBus(dir, LineFormat.RAW);
        int fd = b.attach("web");
        write(fd, line);
        Fds.close(fd);
        List<byte[]> out = FileBus.byteLines(b.closeAndRead());
        assertThat(out).extracting(l -> l.length).containsExactly(MAX, 10);
        assertThat(concat(out)).isEqualTo(line);
    }

    @Test
    void hundredThousandLinesPerSourceArriveWholeAndInOrder() throws Exception {
        int n = 100_000;
        FileBus b = new FileBus(dir, LineFormat.PREFIXED);
        int web = b.attach("web");
        int worker = b.attach("worker");
        // Two children writing at once, in chunks that do not follow line boundaries.
        CompletableFuture<Void> w1 = CompletableFuture.runAsync(() -> writeNumbered(web, "web", n, 11));
        CompletableFuture<Void> w2 = CompletableFuture.runAsync(() -> writeNumbered(worker, "worker", n, 12));
        w1.get(60, TimeUnit.SECONDS);
        w2.get(60, TimeUnit.SECONDS);
        List<String> lines = b.closeAndReadLines();

        assertThat(lines).hasSize(2 * n);
        int nextWeb = 0;
        int nextWorker = 0;
        for (String line : lines) {
            if (line.startsWith("web | ")) {
                assertThat(line).isEqualTo("web | " + numbered("web", nextWeb++));
            } else {
                assertThat(line).isEqualTo("worker | " + numbered("worker", nextWorker++));
            }
        }
        assertThat(nextWeb).isEqualTo(n);
        assertThat(nextWorker).isEqualTo(n);
        assertThat(b.logged()).isEmpty();
    }

    @Test
    @Timeout(10)
    void closeReturnsWithinItsDrainBoundWhileAWriterKeepsThePipeOpen() {
        FileBus b = new FileBus(dir, LineFormat.RAW);
        int fd = b.attach("web");
        try {
            write(fd, "before close\nstill typing");
            long start = System.nanoTime();
            byte[] out = b.closeAndRead(Duration.ofMillis(300));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(tookMillis).isLessThan(2000);
            assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("before close\nstill typing\n");
        } finally {
            Fds.close(fd);
        }
    }

    @Test
    @Timeout(10)
    void closeReturnsWithinItsDrainBoundWhileAWriterKeepsWriting() throws Exception {
        FileBus b = new FileBus(dir, LineFormat.RAW);
        int fd = b.attach("web");
        // a few KiB in all, far below the pipe's 64 KiB, so the writer never blocks once the bus is gone
        CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 700; i++) {
                write(fd, "tick " + i + "\n");
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            FileBus.until("the pump reads the first ticks", () -> b.bus.bytesRead() > 0);
            long start = System.nanoTime();
            List<String> lines = FileBus.lines(b.closeAndRead(Duration.ofMillis(300)));
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000);
            assertThat(lines).isNotEmpty();
            for (int i = 0; i < lines.size(); i++) {
                assertThat(lines.get(i)).isEqualTo("tick " + i);
            }
        } finally {
            writer.get(30, TimeUnit.SECONDS);
            Fds.close(fd);
        }
    }

    @Test
    void aSinkThatCannotBeWrittenDoesNotStopTheOthers() throws Exception {
        Path good = dir.resolve("good.log");
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        LogBus bus = FileBus.bus(new Log(Log.Format.LOGFMT, Log.Level.WARN, logged),
                FileBus.file("full", Path.of("/dev/full"), LineFormat.RAW),
                FileBus.file("good", good, LineFormat.RAW));
        int fd = bus.attach("web", 0, Stream.STDOUT, List.of("full", "good"));
        write(fd, "one\n");
        FileBus.until("the pump reads the first line", () -> bus.bytesRead() == 4);
        write(fd, "two\nthree\n");
        Fds.close(fd);
        FileBus.until("the good sink has every line", () -> read(good).equals("one\ntwo\nthree\n"));
        long start = System.nanoTime();
        bus.close(Duration.ofSeconds(5), Duration.ofMillis(500));
        assertThat((System.nanoTime() - start) / 1_000_000).as("a failing sink holds up the exit no longer than the flush bound")
                .isLessThan(2000);
        assertThat(Files.readString(good)).isEqualTo("one\ntwo\nthree\n");
        String log = logged.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("msg=\"log sink failing; retrying its batch with backoff\" sink=full").contains("ENOSPC");
        assertThat(log).contains("msg=\"undelivered log lines\" sink=full lines=3");
    }

    @Test
    void attachingToAnUnknownSinkNamesIt() {
        FileBus b = new FileBus(dir, LineFormat.RAW);
        assertThatThrownBy(() -> b.bus.attach("web", 0, Stream.STDOUT, List.of("file", "loki")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loki");
        b.bus.close(Duration.ofMillis(100), Duration.ofMillis(100));
    }

    @Test
    void closeDoesNotWaitTheWholeBoundOnceEveryWriterHasClosed() {
        FileBus b = new FileBus(dir, LineFormat.RAW);
        int fd = b.attach("web");
        write(fd, "last words\n");
        Fds.close(fd);
        long start = System.nanoTime();
        byte[] out = b.closeAndRead(Duration.ofSeconds(10));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2000);
        assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo("last words\n");
    }

    @Test
    void aPipeAttachedLaterIsReadToo() {
        FileBus b = new FileBus(dir, LineFormat.PREFIXED);
        int first = b.attach("web");
        b.send(first, "first\n");
        b.awaitRead();
        int second = b.attach("web.1");
        write(second, "second\n");
        Fds.close(first);
        Fds.close(second);
        assertThat(b.closeAndReadLines()).containsExactlyInAnyOrder("web | first", "web.1 | second");
    }

    @Test
    void theFileIsAppendedToNotTruncated() throws Exception {
        Files.writeString(dir.resolve("out.log"), "from last run\n");
        FileBus b = new FileBus(dir, LineFormat.RAW);
        int fd = b.attach("web");
        write(fd, "this run\n");
        Fds.close(fd);
        assertThat(b.closeAndReadLines()).containsExactly("from last run", "this run");
    }

    private static String numbered(String who, int i) {
        return who + " line " + i + " " + "x".repeat(i % 37);
    }

    /** Writes {@code n} numbered lines in random-sized chunks that cut through lines. */
    private static void writeNumbered(int fd, String who, int n, long seed) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            all.writeBytes((numbered(who, i) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        byte[] bytes = all.toByteArray();
        Random random = new Random(seed);
        List<byte[]> chunks = new ArrayList<>();
        for (int off = 0; off < bytes.length; ) {
            int len = Math.min(bytes.length - off, 1 + random.nextInt(9000));
            chunks.add(Arrays.copyOfRange(bytes, off, off + len));
            off += len;
        }
        for (byte[] chunk : chunks) {
            write(fd, chunk);
        }
        Fds.close(fd);
    }

    private static byte[] noNewlines(int length, long seed) {
        byte[] b = new byte[length];
        new Random(seed).nextBytes(b);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '\n') {
                b[i] = 'n';
            }
        }
        return b;
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
