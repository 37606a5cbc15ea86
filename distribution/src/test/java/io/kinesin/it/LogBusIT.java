package io.kinesin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The log bus as a user meets it with {@code bin/kinesin run}: SIGHUP reopening a file sink
 * that logrotate moved away, a console nobody reads counted at exit within
 * {@code kinesin.shutdown.flush}, {@code overflow: drop} and {@code block}, and
 * {@code kinesin.log.max-line} in the console's JSON.
 */
class LogBusIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sighupReopensAFileSinkThatWasMovedAwayAndIsStillForwarded(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("app.log");
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                sinks:
                  app: { type: file, path: app.log }
                services:
                  ticker:
                    command: [sh, -c, 'trap "echo got-hup" HUP; i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.01; done']
                    stdout: { sinks: [app] }
                """);
        Kinesin.Running k = Kinesin.args("run", config.toString()).start();
        Eventually.until("ticks are logged", () -> read(log).contains("tick 5\n"));
        Path rotated = dir.resolve("app.log.1");
        Files.move(log, rotated); // logrotate's first step; kinesin still writes to the moved file
        k.signal(Signal.HUP);
        Eventually.until("a new app.log appears with later ticks", () -> read(log).contains("tick"));
        Eventually.until("the child got the HUP too", () -> (read(rotated) + read(log)).contains("got-hup"));
        k.signal(Signal.TERM);
        Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT);

        List<String> lines = new ArrayList<>(read(rotated).lines().toList());
        int before = lines.size();
        lines.addAll(read(log).lines().toList());
        List<String> ticks = lines.stream().filter(l -> l.startsWith("tick ")).toList();
        for (int i = 0; i < ticks.size(); i++) {
            assertThat(ticks.get(i)).as("no tick lost or repeated across the reopen").isEqualTo("tick " + i);
        }
        assertThat(read(rotated)).as("the moved file got the lines until the reopen").contains("tick 5\n");
        assertThat(before).isLessThan(lines.size());
        assertThat(r.stderr()).doesNotContain("level=error", "log sink failing");
    }

    @Test
    void rotationUnderAMillionLineFloodLosesNothing(@TempDir Path dir) throws Exception {
        int n = 1_000_000; // 6.9 MB of numbers: about 14 files of 512 KiB
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                sinks:
                  app: { type: file, path: logs/app.log, rotate: { size: 512KiB, keep: 100 } }
                services:
                  flood:
                    command: [seq, 1, "%d"]
                    stdout: { sinks: [app] }
                """.formatted(n));
        Kinesin.Result r = Kinesin.args("run", config.toString()).run();
        assertThat(r.status()).as(r.toString()).isZero();

        Path logs = dir.resolve("logs");
        List<Path> oldestFirst = new ArrayList<>();
        for (int i = 100; i >= 1; i--) {
            if (Files.exists(logs.resolve("app.log." + i))) {
                oldestFirst.add(logs.resolve("app.log." + i));
            }
        }
        oldestFirst.add(logs.resolve("app.log"));
        assertThat(oldestFirst).as("it rotated").hasSizeGreaterThan(10);
        long expected = 1;
        for (Path f : oldestFirst) {
            assertThat(Files.size(f)).as("%s stays within the size", f).isLessThanOrEqualTo(512 * 1024);
            for (String line : Files.readAllLines(f)) {
                assertThat(line).as("in %s, nothing lost, repeated or split", f).isEqualTo(Long.toString(expected));
                expected++;
            }
        }
        assertThat(expected - 1).isEqualTo(n);
    }

    @Test
    void aConsoleNobodyReadsIsCountedInKinesinsLastLineWithinTheFlushBound(@TempDir Path dir) throws Exception {
        int n = 30_000; // about 170 KB: more than kinesin's stdout pipe takes
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                kinesin: { shutdown: { flush: 500ms } }
                services:
                  chatty:
                    command: [seq, 1, "%d"]
                """.formatted(n));
        Kinesin.Running k = Kinesin.args("run", config.toString()).pipedStdout().start(); // and not read until kinesin exits
        Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT);
        List<String> delivered = new String(k.stdout().readAllBytes(), StandardCharsets.UTF_8).lines().toList();

        assertThat(r.status()).as(r.toString()).isZero();
        for (int i = 0; i < delivered.size(); i++) {
            assertThat(delivered.get(i)).isEqualTo("chatty | " + (i + 1));
        }
        List<Map<String, String>> logged = LogLines.parse(r.stderr());
        Map<String, String> last = logged.getLast();
        assertThat(last.get("msg")).as("kinesin's last line: " + r.stderr()).isEqualTo("undelivered log lines");
        assertThat(last.get("sink")).isEqualTo("console");
        assertThat(Long.parseLong(last.get("lines"))).as("every line delivered or counted").isEqualTo(n - delivered.size());
        Map<String, String> exited = LogLines.events(r.stderr(), "exited", "chatty").getFirst();
        assertThat(LogLines.between(exited, last)).as("the pipes drain at once, then the sinks get 500ms")
                .isGreaterThanOrEqualTo(Duration.ofMillis(450)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void overflowDropNeverHoldsTheChildBackAndCountsWhatItDrops(@TempDir Path dir) throws Exception {
        int n = 50_000;
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                kinesin: { shutdown: { flush: 200ms } }
                sinks:
                  console: { type: console, format: raw, queue: { bytes: 16KiB } }
                services:
                  chatty:
                    command: [seq, 1, "%d"]
                    stdout: { sinks: [console], overflow: drop }
                """.formatted(n));
        Kinesin.Running k = Kinesin.args("run", config.toString()).pipedStdout().start(); // never read while it runs
        Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT); // with block, seq would wait for ever
        List<String> delivered = new String(k.stdout().readAllBytes(), StandardCharsets.UTF_8).lines().toList();

        assertThat(r.status()).as(r.toString()).isZero();
        long dropped = LogLines.events(r.stderr(), "log lines dropped", null).stream()
                .peek(l -> assertThat(l).containsEntry("sink", "console").containsEntry("service", "chatty")
                        .containsEntry("stream", "stdout").containsEntry("reason", "queue full"))
                .mapToLong(l -> Long.parseLong(l.get("lines"))).sum();
        long undelivered = LogLines.events(r.stderr(), "undelivered log lines", null).stream()
                .mapToLong(l -> Long.parseLong(l.get("lines"))).sum();
        assertThat(dropped).as(r.stderr()).isPositive();
        assertThat(delivered.size() + dropped + undelivered).as("every line delivered or counted: " + r.stderr()).isEqualTo(n);
        int last = 0;
        for (String line : delivered) {
            assertThat(Integer.parseInt(line)).as("in order").isGreaterThan(last);
            last = Integer.parseInt(line);
        }
    }

    @Test
    void overflowBlockHoldsBackOnlyTheChildWhoseSinkIsFull(@TempDir Path dir) throws Exception {
        Path fast = dir.resolve("fast.log");
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                kinesin: { shutdown: { flush: 200ms } }
                sinks:
                  console: { type: console, queue: { bytes: 16KiB } }
                  out: { type: file, path: fast.log }
                services:
                  slow:
                    command: [seq, 1, "1000000"]
                  fast:
                    command: [sh, -c, 'i=0; while [ $i -lt 2000 ]; do echo "fast $i"; i=$((i+1)); done; exec sleep 60']
                    stdout: { sinks: [out] }
                """);
        Kinesin.Running k = Kinesin.args("run", config.toString()).pipedStdout().start(); // the console nobody reads
        Eventually.until("the other service's lines all arrive", () -> read(fast).contains("fast 1999\n"));
        int slowPid = Integer.parseInt(LogLines.events(k.stderrSoFar(), "spawned", "slow").getFirst().get("pid"));
        Eventually.until("the child whose console is full waits in write(2)",
                () -> read(Path.of("/proc/" + slowPid + "/wchan")).contains("pipe_write"));
        k.signal(Signal.TERM);
        Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT);

        assertThat(read(fast).lines().toList()).hasSize(2000);
        assertThat(r.stderr()).as("block drops nothing").doesNotContain("log lines dropped");
        assertThat(LogLines.events(r.stderr(), "undelivered log lines", null)).extracting(l -> l.get("sink")).containsExactly("console");
    }

    @Test
    void aLineLongerThanMaxLineIsCutAndTheJsonConsoleFlagsThePieces(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                kinesin: { log: { max-line: 100 } }
                sinks:
                  console: { type: console, format: json }
                services:
                  long:
                    command: [sh, -c, 'printf "%0250d\\nshort\\n" 0']
                """);
        Kinesin.Result r = Kinesin.args("run", config.toString()).run();
        assertThat(r.status()).as(r.toString()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String l : r.stdout().lines().toList()) {
            lines.add(JSON.readTree(l));
        }
        assertThat(lines).extracting(n -> n.get("line").asText().length()).containsExactly(100, 100, 50, 5);
        assertThat(lines).extracting(n -> n.path("cut").asBoolean(false)).containsExactly(true, true, false, false);
        assertThat(lines).allMatch(n -> n.get("service").asText().equals("long") && n.get("stream").asText().equals("stdout"));
        List<java.time.Instant> at = lines.stream().map(n -> java.time.Instant.parse(n.get("ts").asText())).toList();
        for (int i = 1; i < at.size(); i++) {
            assertThat(at.get(i)).as("read times, strictly increasing").isAfter(at.get(i - 1));
        }
    }

    /**
     * {@code run}'s heap takes a 100 MB burst into a file sink without a young collection (each
     * would copy the arrays queued for the sink while the child waits on a full pipe): the
     * pool's arrays are made in the old generation. Counted in HotSpot's own GC log, from the
     * moment the child starts writing (2 s after start-up, past the bus's warm-ups) to the
     * last byte in the file.
     */
    @Test
    void aHundredMegabyteBurstIntoAFileSinkMakesNoYoungCollection(@TempDir Path dir) throws Exception {
        long bytes = 100_000_000L;
        Path gcLog = dir.resolve("gc.log");
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                sinks:
                  app: { type: file, path: app.log }
                services:
                  burst:
                    command: [sh, -c, 'sleep 2; : > ready; while [ ! -e go ]; do sleep 0.01; done; yes "$(printf %%099d 0)" | head -c %d; : > done; exec sleep 60']
                    stdout: { sinks: [app] }
                """.formatted(bytes));
        Kinesin.Running k = Kinesin.args("run", config.toString()).cwd(dir)
                .env("KINESIN_JAVA_OPTS", "-Xlog:gc:file=" + gcLog).start();
        try {
            Eventually.until("the child is ready to write", () -> Files.exists(dir.resolve("ready")));
            long before = pauses(gcLog);
            Files.writeString(dir.resolve("go"), "");
            Eventually.until("all 100 MB are in the file", Duration.ofSeconds(60),
                    () -> Files.exists(dir.resolve("done")) && size(dir.resolve("app.log")) == bytes);
            assertThat(pauses(gcLog)).as("collections during the burst\n" + read(gcLog)).isEqualTo(before);
        } finally {
            k.signal(Signal.TERM);
            k.await(Kinesin.DEFAULT_TIMEOUT);
        }
    }

    private static long pauses(Path gcLog) {
        return read(gcLog).lines().filter(l -> l.contains("Pause")).count();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return -1;
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return ""; // moved away between the check and the read
        }
    }
}
