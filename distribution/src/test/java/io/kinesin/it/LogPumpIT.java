package io.kinesin.it;

import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The log pump under trouble, as a user meets it: a stdout a child made non-blocking, a stuck reader, a crash loop. */
class LogPumpIT {

    /**
     * Restarts measured per test. 10,000 would be the goal, but kinesin restarts about 170
     * instances a second on this 2-core machine (spawn and supervision, not the pump: with
     * {@code stdout: "null"} the rate is the same), so 10,000 take about a minute; 2,500 after
     * the warm-up keep each test under ~20 s.
     */
    private static final int RESTARTS = 2_500;
    private static final int WARM_UP = 300;

    @Test
    void aChildThatMakesTheSharedStdoutNonBlockingCostsNoLineOfAnotherServiceWhileTheReaderIsSlow(@TempDir Path dir)
            throws Exception {
        Path mark = dir.resolve("stdout-is-non-blocking");
        int n = 40_000; // about 2.5 MB: forty times what kinesin's stdout pipe holds
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                services:
                  nonblocking:
                    # shares kinesin's stdout and sets O_NONBLOCK on it, as some programs do
                    command: [perl, -e, 'use Fcntl; my $f = fcntl(STDOUT, F_GETFL, 0) or die; fcntl(STDOUT, F_SETFL, $f | O_NONBLOCK) or die; open(my $m, ">", $ARGV[0]) or die; close $m; sleep 600', %s]
                    stdout: inherit
                    essential: false
                  chatty:
                    command: [sh, -c, 'while [ ! -e %s ]; do sleep 0.01; done; i=0; while [ $i -lt %d ]; do echo "line $i %s"; i=$((i+1)); done']
                """.formatted(mark, mark, n, "x".repeat(50)));
        Kinesin.Running k = Kinesin.args("run", config.toString()).pipedStdout().start();
        CompletableFuture<byte[]> reader = CompletableFuture.supplyAsync(() -> readSlowly(k.stdout()));
        Kinesin.Result r = k.await(Duration.ofSeconds(60));
        List<String> lines = new String(reader.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8).lines().toList();

        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(mark).as("the other service made stdout non-blocking first").exists();
        List<String> chatty = lines.stream().filter(l -> l.startsWith("chatty | ")).toList();
        assertThat(chatty).as("every line arrives: " + r.stderr()).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(chatty.get(i)).isEqualTo("chatty | line " + i + " " + "x".repeat(50));
        }
        assertThat(r.stderr()).doesNotContain("log sink failing", "dropped", "undelivered");
    }

    @Test
    void aCrashLoopLeaksNoFdAndNoThread(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                services:
                  flap:
                    command: [sh, -c, 'echo crashing; exit 1']
                    restart: always
                    backoff: { initial: 0s, max: 0s }
                    crash-loop: { deaths: 1000000, within: 1s }
                """);
        Kinesin.Running k = Kinesin.args("run", config.toString()).start();
        Usage[] usage = crashLoop(k);
        k.signal(Signal.TERM);
        Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT);
        assertThat(usage[1].fds()).as("fds after %d restarts (before: %s)", RESTARTS, usage[0]).isLessThanOrEqualTo(usage[0].fds() + 2);
        assertThat(usage[1].threads()).as("threads after %d restarts (before: %s)", RESTARTS, usage[0])
                .isLessThanOrEqualTo(usage[0].threads() + 2);
        // the last instance may die of kinesin's TERM before it prints
        assertThat(r.stdout().lines().filter("flap | crashing"::equals).count()).as("every line arrives")
                .isGreaterThanOrEqualTo(LogLines.events(r.stderr(), "spawned", "flap").size() - 1L);
    }

    @Test
    void aCrashLoopWhileNobodyReadsTheConsoleLeaksNoFdAndNoThread(@TempDir Path dir) throws Exception {
        // each instance prints a 2000-line "stack trace" (23 KB on the console) and dies: the
        // console's 64 KiB pipe is full after three, its 64 KiB queue soon after; from then on
        // kinesin keeps the pipes of a few ended instances (16) for when the console moves,
        // reads the older ones to their end and drops what does not fit (counted), so that the
        // fds stay as they were after the warm-up
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                sinks:
                  console: { type: console, queue: { bytes: 64KiB } }
                services:
                  flap:
                    command: [sh, -c, 'seq 1 2000; exit 1']
                    restart: always
                    backoff: { initial: 0s, max: 0s }
                    crash-loop: { deaths: 1000000, within: 1s }
                """);
        Kinesin.Running k = Kinesin.args("run", config.toString()).pipedStdout().start(); // and never read
        Usage[] usage = crashLoop(k);
        k.signal(Signal.TERM);
        Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT);
        assertThat(usage[1].fds()).as("fds after %d restarts (before: %s)", RESTARTS, usage[0])
                .isLessThanOrEqualTo(usage[0].fds() + 2);
        assertThat(usage[1].threads()).as("threads after %d restarts (before: %s)", RESTARTS, usage[0])
                .isLessThanOrEqualTo(usage[0].threads() + 2);
        List<Map<String, String>> dropped = LogLines.events(r.stderr(), "log lines dropped", null);
        assertThat(dropped).as(r.stderr()).isNotEmpty().allMatch(l -> l.get("sink").equals("console"))
                .allMatch(l -> l.get("service").equals("flap") && l.get("stream").equals("stdout"));
        Map<String, String> undelivered = LogLines.events(r.stderr(), "undelivered log lines", null).getFirst();
        assertThat(undelivered.get("sink")).isEqualTo("console");
        assertThat(Long.parseLong(undelivered.get("lines"))).isPositive();
    }

    /** kinesin's fds and threads once warmed up, then after {@link #RESTARTS} more restarts. */
    private static Usage[] crashLoop(Kinesin.Running k) throws Exception {
        SpawnCount spawned = new SpawnCount(k.stderrFile());
        Eventually.until("warmed up: " + WARM_UP + " restarts", Duration.ofSeconds(60), () -> spawned.now() >= WARM_UP);
        Usage before = Usage.of(k.pid());
        long start = System.nanoTime();
        Eventually.until(RESTARTS + " more restarts", Duration.ofSeconds(120), () -> spawned.now() >= WARM_UP + RESTARTS);
        Usage after = Usage.of(k.pid());
        System.out.printf("%d restarts in %d ms; before %s, after %s%n", RESTARTS, (System.nanoTime() - start) / 1_000_000, before, after);
        return new Usage[] {before, after};
    }

    /** Reads in small bites with a pause between them, like a slow terminal or a lagging log collector, to the end. */
    private static byte[] readSlowly(InputStream in) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] bite = new byte[4096];
        try (in) {
            for (int n; (n = in.read(bite)) > 0; ) {
                got.write(bite, 0, n);
                Thread.sleep(1);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
        return got.toByteArray();
    }

    /** A process's open fds and threads, each the least of several looks: a child being spawned holds a pipe for a moment. */
    record Usage(long fds, long threads) {
        static Usage of(int pid) throws InterruptedException {
            long fds = Long.MAX_VALUE;
            long threads = Long.MAX_VALUE;
            for (int i = 0; i < 20; i++) {
                fds = Math.min(fds, count(Path.of("/proc/" + pid + "/fd")));
                threads = Math.min(threads, count(Path.of("/proc/" + pid + "/task")));
                Thread.sleep(2);
            }
            return new Usage(fds, threads);
        }

        private static long count(Path dir) {
            try (var entries = Files.list(dir)) {
                return entries.count();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Counts {@code msg=spawned} lines in kinesin's stderr as it grows, reading each line once. */
    private static final class SpawnCount {
        private static final byte[] NEEDLE = " msg=spawned ".getBytes(StandardCharsets.US_ASCII);
        private final Path file;
        private long offset;
        private long count;

        SpawnCount(Path file) {
            this.file = file;
        }

        long now() {
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                byte[] fresh = new byte[(int) Math.min(Integer.MAX_VALUE - 8, f.length() - offset)];
                f.seek(offset);
                f.readFully(fresh);
                int complete = 0; // up to the last newline: a line being written is read next time
                for (int i = fresh.length - 1; i >= 0 && complete == 0; i--) {
                    complete = fresh[i] == '\n' ? i + 1 : 0;
                }
                for (int i = 0; i + NEEDLE.length <= complete; i++) {
                    if (Arrays.equals(fresh, i, i + NEEDLE.length, NEEDLE, 0, NEEDLE.length)) {
                        count++;
                    }
                }
                offset += complete;
                return count;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
