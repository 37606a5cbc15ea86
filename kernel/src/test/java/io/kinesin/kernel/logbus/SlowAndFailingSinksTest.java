package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.NonBlocking;
import io.kinesin.kernel.process.Poller;
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
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.kinesin.kernel.logbus.FileBus.until;
import static io.kinesin.kernel.logbus.FileBus.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sinks whose fd is slow, stuck, non-blocking or failing, on real pipes and a real full disk:
 * the pump never blocks on one, never busy-spins, and every line is either delivered or counted
 * in kinesin's log.
 */
@Timeout(90)
class SlowAndFailingSinksTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final Log log = new Log(Log.Format.LOGFMT, Log.Level.WARN, logged);

    private String logged() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    private static String numbered(int i) {
        return "line " + i + " " + "x".repeat(40 + i % 23);
    }

    /** Writes lines 0..n-1 as a child would, in chunks that cut through lines, then closes the pipe. */
    private static CompletableFuture<Void> child(int fd, int n) {
        return CompletableFuture.runAsync(() -> {
            StringBuilder chunk = new StringBuilder();
            for (int i = 0; i < n; i++) {
                chunk.append(numbered(i)).append('\n');
                if (chunk.length() > 7000) {
                    write(fd, chunk.toString());
                    chunk.setLength(0);
                }
            }
            write(fd, chunk.toString());
            Fds.close(fd);
        });
    }

    /**
     * Reads {@code fd} in small bites with a pause between them, like a slow terminal or a
     * log collector that lags, until {@code lines} lines came or nothing came for 20 s.
     */
    private static List<String> readSlowly(int fd, int lines) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] bite = new byte[4096];
        int newlines = 0;
        try (Poller poller = new Poller(bite.length)) {
            boolean[] ready = new boolean[1];
            long quietSince = System.nanoTime();
            while (newlines < lines && System.nanoTime() - quietSince < 20_000_000_000L) {
                poller.await(new int[] {fd}, 1, 100, ready);
                if (!ready[0]) {
                    continue;
                }
                int n = poller.read(fd, bite);
                if (n == 0) {
                    break;
                }
                got.write(bite, 0, n);
                for (int i = 0; i < n; i++) {
                    newlines += bite[i] == '\n' ? 1 : 0;
                }
                quietSince = System.nanoTime();
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return FileBus.lines(got.toByteArray());
    }

    /** Whatever is in the pipe now, without waiting. */
    private static List<String> readWhatIsThere(int fd) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] bite = new byte[65536];
        try (Poller poller = new Poller(bite.length)) {
            boolean[] ready = new boolean[1];
            while (true) {
                poller.await(new int[] {fd}, 1, 0, ready);
                if (!ready[0]) {
                    break;
                }
                int n = poller.read(fd, bite);
                if (n == 0) {
                    break;
                }
                got.write(bite, 0, n);
            }
        }
        return FileBus.lines(got.toByteArray());
    }

    @Test
    void aChildThatSetsONonblockOnTheSharedConsoleCostsNoLineWhileTheReaderIsSlow() throws Exception {
        int[] console = Fds.pipe(); // kinesin's stdout, read by something slow
        NonBlocking.set(console[1]); // what an `inherit` child sharing that stdout may do
        LogBus bus = FileBus.bus(log, FileBus.console("console", console[1], LineFormat.RAW));
        int n = 40_000; // about 2.6 MB, forty times the pipe
        try {
            CompletableFuture<Void> writer = child(bus.attach("web", 0, Stream.STDOUT, List.of("console")), n);
            List<String> got = readSlowly(console[0], n);
            writer.get(30, TimeUnit.SECONDS);
            assertThat(got).as("lines that arrived").hasSize(n);
            for (int i = 0; i < n; i++) {
                assertThat(got.get(i)).isEqualTo(numbered(i));
            }
            bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
            assertThat(logged()).isEmpty();
        } finally {
            Fds.close(console[0]);
            Fds.close(console[1]);
        }
    }

    @Test
    void aSlowConsoleHoldsBackItsChildInsteadOfDroppingLines() throws Exception {
        int[] console = Fds.pipe(); // blocking, read slowly
        int hold = 256 * 1024; // more than the pipe holds: the writer's last bytes are read at its hang-up
        LogBus bus = FileBus.bus(log, BusSettings.DEFAULT.withQueue("console", hold),
                FileBus.console("console", console[1], LineFormat.RAW));
        int n = 30_000; // 2 MB: eight times what the sink may hold
        try {
            CompletableFuture<Void> writer = child(bus.attach("web", 0, Stream.STDOUT, List.of("console")), n);
            List<String> got = readSlowly(console[0], n);
            writer.get(30, TimeUnit.SECONDS);
            assertThat(got).hasSize(n);
            for (int i = 0; i < n; i++) {
                assertThat(got.get(i)).isEqualTo(numbered(i));
            }
            bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
            assertThat(logged()).isEmpty();
        } finally {
            Fds.close(console[0]);
            Fds.close(console[1]);
        }
    }

    @Test
    void aConsoleNobodyReadsHoldsUpNoOtherServiceAndCloseCountsWhatItNeverDelivered() throws Exception {
        int[] console = Fds.pipe(); // nobody reads it: a hung log collector
        Path file = dir.resolve("quiet.log");
        LogBus bus = FileBus.bus(log,
                FileBus.console("console", console[1], LineFormat.RAW),
                FileBus.file("file", file, LineFormat.RAW));
        int n = 5000; // about 300 KB: more than the console pipe takes, less than the sink holds
        try {
            int chatty = bus.attach("chatty", 0, Stream.STDOUT, List.of("console"));
            int quiet = bus.attach("quiet", 0, Stream.STDOUT, List.of("file"));
            CompletableFuture<Void> writer = child(chatty, n);
            long chattyBytes = 0;
            for (int i = 0; i < n; i++) {
                chattyBytes += numbered(i).length() + 1;
            }
            long expectedRead = chattyBytes + "quiet still gets through\n".length();
            until("the pump has read more of chatty than the console takes", () -> bus.bytesRead() > 2 * 65536);
            write(quiet, "quiet still gets through\n");
            until("quiet's line is in its file", () -> read(file).equals("quiet still gets through\n"));
            Fds.close(quiet);
            writer.get(30, TimeUnit.SECONDS);
            until("the pump has read every line", () -> bus.bytesRead() == expectedRead);

            long start = System.nanoTime();
            bus.close(Duration.ofMillis(300), Duration.ofMillis(300));
            assertThat((System.nanoTime() - start) / 1_000_000).as("close is bounded by its drain").isLessThan(2000);
            List<String> delivered = readWhatIsThere(console[0]);
            for (int i = 0; i < delivered.size(); i++) {
                assertThat(delivered.get(i)).isEqualTo(numbered(i));
            }
            assertThat(delivered.size()).isLessThan(n);
            assertThat(FileBus.loggedCount(logged(), "undelivered log lines", "console", "lines"))
                    .as("every line is delivered or counted: " + logged()).isEqualTo(n - delivered.size());
        } finally {
            Fds.close(console[0]);
            Fds.close(console[1]);
        }
    }

    @Test
    void aConsoleNobodyReadsDoesNotKeepThePipesOfChildrenThatEndedOpen() throws Exception {
        int[] console = Fds.pipe(); // nobody reads it
        int hold = 64 * 1024;
        LogBus bus = FileBus.bus(log, BusSettings.DEFAULT.withQueue("console", hold),
                FileBus.console("console", console[1], LineFormat.RAW));
        int children = 300; // a crash loop: each one writes a stack trace and dies
        int linesEach = 100;
        try {
            long fdsBefore = openFds();
            for (int c = 0; c < children; c++) {
                int fd = bus.attach("crashy", 0, Stream.STDOUT, List.of("console"));
                StringBuilder trace = new StringBuilder();
                for (int i = 0; i < linesEach; i++) {
                    trace.append(numbered(c * linesEach + i)).append('\n');
                }
                write(fd, trace.toString());
                Fds.close(fd);
            }
            // a few ended children keep their pipe (and what they left in it) for when the sink
            // moves again; beyond that the pump reads them to their end, drops and counts
            until("the pump has closed the pipe of every child that ended but the few it keeps",
                    () -> openFds() <= fdsBefore + Pump.PARKED_MAX + 2);

            bus.close(Duration.ofMillis(300), Duration.ofMillis(300));
            List<String> delivered = readWhatIsThere(console[0]);
            for (int i = 0; i < delivered.size(); i++) {
                assertThat(delivered.get(i)).isEqualTo(numbered(i));
            }
            String log = logged();
            long dropped = FileBus.loggedCount(log, "log lines dropped", "console", "lines");
            long undelivered = FileBus.loggedCount(log, "undelivered log lines", "console", "lines");
            assertThat(dropped).as("beyond twice its hold, it drops and says so: " + log).isPositive();
            assertThat(delivered.size() + dropped + undelivered).as("every line is delivered or counted: " + log)
                    .isEqualTo((long) children * linesEach);
        } finally {
            Fds.close(console[0]);
            Fds.close(console[1]);
        }
    }

    private static long openFds() {
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aFileSinkOnAFullDiskCountsWhatItLosesAndRecoversWhenSpaceIsFreed() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(dir.resolve("small"), "64k")) {
            Path file = disk.dir().resolve("app.log");
            int hold = 8 * 1024; // what the sink keeps while it cannot write: a fraction of what comes meanwhile
            // overflow: drop, so that the service is not held back while the disk is full
            LogBus bus = FileBus.bus(log, BusSettings.DEFAULT.withQueue("app", hold)
                            .withOutput("web", Stream.STDOUT, new Output(List.of("app"), Output.Buffer.DEFAULT, Output.Overflow.DROP)),
                    FileBus.file("app", file, LineFormat.RAW));
            int fd = bus.attach("web", 0, Stream.STDOUT, List.of("app"));
            List<String> written = new java.util.ArrayList<>();
            try {
                write(fd, "before\n");
                until("the first line is written", () -> read(file).equals("before\n"));
                Path filler = disk.dir().resolve("filler");
                disk.fill(filler);

                // The first lines fill the file's last page, then meet ENOSPC; the sink holds the
                // rest of them. Then 1900 more: far more than it holds.
                StringBuilder first = new StringBuilder();
                StringBuilder more = new StringBuilder();
                for (int i = 0; i < 2000; i++) {
                    written.add(numbered(i));
                    (i < 100 ? first : more).append(numbered(i)).append('\n');
                }
                write(fd, first.toString());
                until("the sink reports the full disk", () -> logged().contains("sink=app"));
                write(fd, more.toString());

                Files.delete(filler);
                // a line now and then, as a service goes on logging; the sink finds the space at its next retry
                until("a line written after the space was freed arrives", () -> {
                    String line = "after " + written.size();
                    written.add(line);
                    write(fd, line + "\n");
                    return read(file).contains("\nafter ");
                });
                written.add("last");
                write(fd, "last\n");
                until("the last line arrives", () -> read(file).endsWith("\nlast\n"));
            } finally {
                Fds.close(fd);
                bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
            }

            List<String> lines = FileBus.lines(Files.readAllBytes(file));
            assertThat(lines.getFirst()).isEqualTo("before");
            List<String> delivered = lines.subList(1, lines.size());
            int held = 0;
            while (held < delivered.size() && delivered.get(held).equals(written.get(held))) {
                held++;
            }
            int gap = written.size() - delivered.size();
            assertThat(held).as("lines written before and while the disk was full, then held").isLessThan(2000);
            assertThat(delivered.subList(held, delivered.size())).as("one gap, then every line from the recovery on")
                    .isEqualTo(written.subList(held + gap, written.size()));
            String log = logged();
            assertThat(log).contains("msg=\"log sink failing; retrying its batch with backoff\" sink=app").contains("ENOSPC");
            assertThat(log).contains("msg=\"log sink recovered\" sink=app");
            assertThat(gap).as("lines were lost while the disk was full").isPositive();
            assertThat(FileBus.loggedCount(log, "log lines dropped", "app", "lines"))
                    .as("every line is delivered or counted: " + log).isEqualTo(gap);
            assertThat(bus.counters().dropped("app", "web", Stream.STDOUT)).isEqualTo(gap);
            assertThat(bus.counters().sinkErrors("app")).isPositive();
            assertThat(log).doesNotContain("undelivered");
        }
    }

    @Test
    void aFileSinkOnAFullDiskHoldsItsChildBackWithBlockAndLosesNoLine() throws Exception {
        try (Tmpfs disk = Tmpfs.mount(dir.resolve("small"), "1m")) {
            Path file = disk.dir().resolve("app.log");
            LogBus bus = FileBus.bus(log, BusSettings.DEFAULT.withQueue("app", 8 * 1024),
                    FileBus.file("app", file, LineFormat.RAW));
            int fd = bus.attach("web", 0, Stream.STDOUT, List.of("app"));
            write(fd, "before\n");
            until("the first line is written", () -> read(file).equals("before\n"));
            Path filler = disk.dir().resolve("filler");
            disk.fill(filler);

            int n = 4000; // about 250 KB: more than the pipe, a read and the sink's queue hold, less than the freed space
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < n; i++) {
                all.append(numbered(i)).append('\n');
            }
            CompletableFuture<Void> writer = new CompletableFuture<>();
            Thread.ofPlatform().daemon().name("blocked-writer").start(() -> {
                write(fd, all.toString());
                Fds.close(fd);
                writer.complete(null);
            });
            until("the sink reports the full disk", () -> logged().contains("sink=app"));
            until("the child waits in write(2) instead of losing lines", () -> waitsInPipeWrite("blocked-writer"));
            assertThat(bus.counters().dropped("app", "web", Stream.STDOUT)).isZero();

            Files.delete(filler);
            writer.get(30, TimeUnit.SECONDS);
            bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
            List<String> lines = FileBus.lines(Files.readAllBytes(file));
            assertThat(lines).as(logged()).hasSize(n + 1);
            assertThat(lines.getFirst()).isEqualTo("before");
            for (int i = 0; i < n; i++) {
                assertThat(lines.get(i + 1)).isEqualTo(numbered(i));
            }
            String log = logged();
            assertThat(log).contains("msg=\"log sink failing; retrying its batch with backoff\" sink=app").contains("ENOSPC");
            assertThat(log).contains("msg=\"log sink recovered\" sink=app");
            assertThat(log).doesNotContain("dropped", "undelivered");
        }
    }

    /** Whether the thread of that name is blocked writing to a full pipe (its kernel wait channel). */
    private static boolean waitsInPipeWrite(String threadName) {
        try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.anyMatch(t -> read(t.resolve("comm")).strip().equals(threadName)
                    && read(t.resolve("wchan")).contains("pipe_write"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
