package io.kinesin.it;

import io.kinesin.spi.Signal;
import io.kinesin.spi.contract.PluginJar;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plugins that misbehave, as real jars built in the test and loaded by bin/kinesin: a sink
 * whose every write throws and a sink whose write never returns share a stream with the
 * shipped file sink, which must still get every line at once while kinesin goes on
 * supervising and exits in time, naming what the bad sinks never got; a plugin that would fork
 * behind the reaper's back is refused before anything starts.
 */
class PluginFailuresIT {

    private static final int LINES = 1000;

    @TempDir
    static Path plugins;

    @BeforeAll
    static void buildTheBadPlugins() throws Exception {
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
        PluginJar.named("throwing-sink").source("t.bad.Throwing", """
                package t.bad;
                import io.kinesin.spi.*;
                import java.util.List;
                public class Throwing implements LogSinkFactory<Void> {
                    public String type() { return "throwing"; }
                    public Class<Void> configType() { return Void.class; }
                    public LogSink create(Void c, PluginContext ctx) {
                        return new LogSink() {
                            public void write(List<LogLine> batch) { throw new IllegalStateException("boom from the throwing sink"); }
                        };
                    }
                }
                """).extension("t.bad.Throwing").buildIn(plugins);
        PluginJar.named("hanging-sink").source("t.bad.Hanging", """
                package t.bad;
                import io.kinesin.spi.*;
                import java.util.List;
                public class Hanging implements LogSinkFactory<Void> {
                    public String type() { return "hanging"; }
                    public Class<Void> configType() { return Void.class; }
                    public LogSink create(Void c, PluginContext ctx) {
                        return new LogSink() {
                            public void write(List<LogLine> batch) {
                                while (true) { // deaf to interrupts, as a plugin stuck in a native call would be
                                    try { Thread.sleep(60_000); } catch (InterruptedException ignored) { }
                                }
                            }
                        };
                    }
                }
                """).extension("t.bad.Hanging").buildIn(plugins);
        // the distribution's own file sink beside them, as a drop-in dir with several plugins has it
        Files.copy(Kinesin.HOME.resolve("plugins/file-sink.jar"), plugins.resolve("file-sink.jar"));
    }

    @Test
    void aSinkThatThrowsAndOneThatHangsDelayNeitherTheOtherSinkNorSupervisionNorTheExit(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.log");
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                kinesin: { shutdown: { flush: 2s } }
                sinks:
                  good: { type: file, path: good.log }
                  throwing: { type: throwing }
                  hanging: { type: hanging }
                services:
                  app:
                    command: [/bin/sh, -c, 'i=0; while [ $i -lt %d ]; do echo "line $i"; i=$((i+1)); done; exec sleep 1000']
                    stdout: { sinks: [good, throwing, hanging] }
                  ticker:
                    command: [/bin/sh, -c, 'exit 3']
                    restart: on-failure
                    backoff: { initial: 50ms, max: 50ms }
                    crash-loop: { deaths: 1000, within: 1s }
                    essential: false
                """.formatted(LINES));
        Kinesin.Running k = Kinesin.args("run", config.toString()).env("KINESIN_PLUGINS", plugins.toString()).start();

        Eventually.until("the file sink has every line", () -> lineCount(good) == LINES);
        assertThat(Files.readAllLines(good)).first().isEqualTo("line 0");
        Eventually.until("supervision goes on: the crashing service keeps being restarted",
                () -> spawns(k, "ticker") >= 10);
        String warnings = k.stderrSoFar();
        assertThat(warnings).contains("msg=\"log sink failing; retrying its batch with backoff\" sink=throwing")
                .contains("boom from the throwing sink");
        assertThat(warnings.lines().filter(l -> l.contains("sink=throwing")).count())
                .as("the throwing sink's failures are logged rate-limited, not once per retry").isLessThanOrEqualTo(3);

        long stopping = System.nanoTime();
        k.signal(Signal.TERM);
        Kinesin.Result r = k.await(Duration.ofSeconds(20));
        Duration took = Duration.ofNanos(System.nanoTime() - stopping);
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(took).as("the stop ladder is quick here; the flush is bounded at 2 s").isLessThan(Duration.ofSeconds(8));
        List<Map<String, String>> undelivered = LogLines.events(r.stderr(), "undelivered log lines", null);
        assertThat(undelivered).extracting(e -> e.get("sink") + "=" + e.get("lines"))
                .containsExactlyInAnyOrder("throwing=" + LINES, "hanging=" + LINES);
        assertThat(r.stderr().lines().reduce((a, b) -> b).orElseThrow())
                .as("the undelivered count is in kinesin's last lines").contains("undelivered log lines");
    }

    @Test
    void aPluginThatWouldForkIsRefusedByNameAndNothingStarts(@TempDir Path dir) throws Exception {
        Path forking = Files.createDirectory(dir.resolve("plugins"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(forking, PosixFilePermissions.fromString("rwxr-xr-x"));
        PluginJar.named("forking-sink").source("t.fork.Forking", PluginJar.sinkFactory("t.fork", "Forking", "forking",
                "try { new ProcessBuilder(\"/bin/true\").start(); } catch (java.io.IOException e) { }")).extension("t.fork.Forking")
                .buildIn(forking);
        Path marker = dir.resolve("started");
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                sinks: { s: { type: forking, path: /tmp/x } }
                services: { app: { command: [/bin/touch, %s], stdout: { sinks: [s] } } }
                """.formatted(marker));

        Kinesin.Result listed = Kinesin.args("plugins", "--plugins-dir", forking.toString()).run();
        assertThat(listed.status()).isEqualTo(2);
        assertThat(listed.stdout()).startsWith("forking-sink - forking-sink.jar error: ").contains("java/lang/ProcessBuilder");

        Kinesin.Result r = Kinesin.args("run", config.toString()).env("KINESIN_PLUGINS", forking.toString()).run();
        assertThat(r.status()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).startsWith("plugin " + forking.resolve("forking-sink.jar") + ": ").contains("spawns processes");
        assertThat(marker).as("nothing started").doesNotExist();
    }

    private static long lineCount(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long spawns(Kinesin.Running k, String service) {
        try {
            return LogLines.events(k.stderrSoFar(), "spawned", service).size();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
