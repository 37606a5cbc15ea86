package io.kinesin.it;

import io.kinesin.sink.loki.Loki;
import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Shipping to Grafana Loki as a user meets it: {@code bin/kinesin run} with a {@code loki} sink
 * pushing to the real Loki of {@code ../shared/loki}, every line read back through Loki's own
 * {@code query_range} API and compared, with its labels and order; a Loki that stops for 10 s,
 * a small queue that drops, a label Loki refuses, and an exit while Loki is down.
 */
class LokiIT {

    private final String run = UUID.randomUUID().toString();
    private final Instant started = Instant.now();

    @Test
    void everyLineOfThreeServicesArrivesInOrderWithItsLabelsAndARefusedOneIsCounted(@TempDir Path dir) throws Exception {
        Loki loki = Loki.shared();
        String refused = "r".repeat(2100); // longer than Loki's longest label value (2048); YAML's ? key for a key this long
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                sinks:
                  loki: { type: loki, url: "%s", labels: { env: it, run: "%s" } }
                services:
                  web:
                    command: [sh, -c, 'seq -f "web out %%.0f" 1 20000; seq -f "web err %%.0f" 1 5000 >&2; exec sleep 600']
                    stdout: { sinks: [loki] }
                    stderr: { sinks: [loki] }
                  worker:
                    replicas: 2
                    command: [sh, -c, 'seq -f "worker $KINESIN_INSTANCE %%.0f" 1 25000; exec sleep 600']
                    stdout: { sinks: [loki] }
                  job:
                    command: [sh, -c, 'seq -f "job %%.0f" 1 25000; exec sleep 600']
                    stdout: { sinks: [loki] }
                  ? %s
                  : command: [sh, -c, 'seq -f "refused %%.0f" 1 1000; exec sleep 600']
                    stdout: { sinks: [loki] }
                """.formatted(loki.url(), run, refused));
        Kinesin.Running k = Kinesin.args("run", config.toString()).start();
        String selector = "{run=\"" + run + "\"}";
        Eventually.until("Loki has the 100,000 lines", Duration.ofSeconds(120), () -> count(loki, selector) == 100_000);
        k.signal(Signal.TERM);
        Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT);

        Map<Map<String, String>, List<Loki.Entry>> streams = own(loki.streams(selector, started.minusSeconds(60), Instant.now().plusSeconds(60)));
        assertThat(streams.keySet()).containsExactlyInAnyOrder(labels("web", "stdout", 0), labels("web", "stderr", 0),
                labels("worker", "stdout", 0), labels("worker", "stdout", 1), labels("job", "stdout", 0));
        assertLines(streams.get(labels("web", "stdout", 0)), "web out ", 20_000);
        assertLines(streams.get(labels("web", "stderr", 0)), "web err ", 5_000);
        assertLines(streams.get(labels("worker", "stdout", 0)), "worker 0 ", 25_000);
        assertLines(streams.get(labels("worker", "stdout", 1)), "worker 1 ", 25_000);
        assertLines(streams.get(labels("job", "stdout", 0)), "job ", 25_000);

        List<Map<String, String>> dropped = LogLines.events(r.stderr(), "log lines dropped", refused);
        assertThat(dropped).as(r.stderr()).isNotEmpty()
                .allSatisfy(l -> assertThat(l).containsEntry("sink", "loki").containsEntry("stream", "stdout"))
                .allSatisfy(l -> assertThat(l.get("reason")).startsWith("undeliverable: Loki answered 400 to a push of "));
        assertThat(dropped.stream().mapToLong(l -> Long.parseLong(l.get("lines"))).sum()).as("every refused line counted").isEqualTo(1000);
        assertThat(r.stderr()).doesNotContain("undelivered log lines", "log sink failing");
    }

    @Test
    void aLokiDownForTenSecondsLosesNothingAndGetsItAllInOrder(@TempDir Path dir) throws Exception {
        try (Loki loki = Loki.start()) {
            Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                    sinks:
                      loki: { type: loki, url: "%s", labels: { run: "%s" }, queue: { bytes: 64MiB } }
                    services:
                      ticker:
                        command: [sh, -c, 'i=0; while :; do echo "tick $i"; i=$((i+1)); sleep 0.005; done']
                        stdout: { sinks: [loki] }
                    """.formatted(loki.url(), run));
            Kinesin.Running k = Kinesin.args("run", config.toString()).start();
            String selector = "{run=\"" + run + "\"}";
            Eventually.until("ticks arrive", Duration.ofSeconds(60), () -> count(loki, selector) >= 100);
            loki.stop();
            Thread.sleep(10_000); // the outage itself
            loki.restart();
            Eventually.until("kinesin tells that the sink recovered", Duration.ofSeconds(30),
                    () -> stderr(k).contains("log sink recovered"));
            loki.awaitReady();
            k.signal(Signal.TERM);
            Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT);

            List<Loki.Entry> ticks = loki.lines(selector, started.minusSeconds(60), Instant.now().plusSeconds(60));
            assertThat(ticks.size()).as("more than 10 s of ticks").isGreaterThan(1000);
            for (int i = 0; i < ticks.size(); i++) {
                assertThat(ticks.get(i).line()).as("no tick lost or repeated, in order").isEqualTo("tick " + i);
            }
            assertThat(r.stderr()).contains("log sink failing; retrying its batch with backoff")
                    .doesNotContain("log lines dropped", "undelivered log lines");
        }
    }

    @Test
    void aSmallQueueThatDropsCountsExactlyTheLinesLokiLacks(@TempDir Path dir) throws Exception {
        Loki loki = Loki.shared();
        int n = 50_000;
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                kinesin: { shutdown: { flush: 10s } }
                sinks:
                  loki: { type: loki, url: "%s", labels: { run: "%s" }, queue: { bytes: 16KiB }, batch: { lines: 100 } }
                services:
                  chatty:
                    command: [seq, -f, "line %%.0f", 1, "%d"]
                    stdout: { sinks: [loki], overflow: drop }
                """.formatted(loki.url(), run, n));
        Kinesin.Result r = Kinesin.args("run", config.toString()).start().await(Duration.ofSeconds(60));
        assertThat(r.status()).as(r.toString()).isZero();

        List<Loki.Entry> arrived = loki.lines("{run=\"" + run + "\"}", started.minusSeconds(60), Instant.now().plusSeconds(60));
        long dropped = LogLines.events(r.stderr(), "log lines dropped", "chatty").stream()
                .peek(l -> assertThat(l).containsEntry("sink", "loki").containsEntry("reason", "queue full"))
                .mapToLong(l -> Long.parseLong(l.get("lines"))).sum();
        assertThat(dropped).as(r.stderr()).isPositive();
        assertThat(n - arrived.size()).as("the lines missing in Loki are the lines kinesin counted as dropped").isEqualTo(dropped);
        long last = 0;
        for (Loki.Entry e : arrived) {
            long i = Long.parseLong(e.line().substring("line ".length()));
            assertThat(i).as("in order").isGreaterThan(last);
            last = i;
        }
        assertThat(r.stderr()).doesNotContain("undelivered log lines");
    }

    @Test
    void exitingWhileLokiIsDownTakesAtMostTheFlushBoundAndCountsWhatItHeld(@TempDir Path dir) throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // and nobody listens there any more: Loki is down
        }
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                kinesin: { shutdown: { flush: 1s } }
                sinks:
                  loki: { type: loki, url: "http://127.0.0.1:%d" }
                services:
                  brief:
                    command: [seq, 1, 1000]
                    stdout: { sinks: [loki] }
                """.formatted(port));
        Kinesin.Result r = Kinesin.args("run", config.toString()).run();

        assertThat(r.status()).as(r.toString()).isZero();
        List<Map<String, String>> logged = LogLines.parse(r.stderr());
        Map<String, String> last = logged.getLast();
        assertThat(last).as("kinesin's last line: " + r.stderr()).containsEntry("msg", "undelivered log lines")
                .containsEntry("sink", "loki").containsEntry("lines", "1000");
        Map<String, String> exited = LogLines.events(r.stderr(), "exited", "brief").getFirst();
        assertThat(LogLines.between(exited, last)).as("the sinks get shutdown.flush (1s), no more")
                .isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(3));
        assertThat(r.stderr()).contains("cannot push to http://127.0.0.1:" + port + "/loki/api/v1/push: ConnectException");
    }

    @Test
    void kinesinCheckPrintsTheCredentialsRedacted(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                sinks:
                  bearer: { type: loki, url: "http://loki:3100", auth: { bearer: "${LOKI_TOKEN}" } }
                  basic: { type: loki, url: "http://loki:3100", tenant: shop, auth: { basic: "12345:${LOKI_PASSWORD}" } }
                services:
                  web: { command: [true], stdout: { sinks: [bearer, basic] } }
                """);
        Kinesin.Result r = Kinesin.args("check", config.toString()).env("LOKI_TOKEN", "t0ken-s3cret").env("LOKI_PASSWORD", "p4ss-s3cret").run();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("bearer: <redacted>", "basic: 12345:<redacted>", "url: http://loki:3100/loki/api/v1/push")
                .doesNotContain("s3cret");
    }

    /** The labels kinesin sets, without those Loki adds itself (service_name, detected_level). */
    private Map<String, String> labels(String service, String stream, int instance) {
        return Map.of("service", service, "stream", stream, "instance", Integer.toString(instance), "env", "it", "run", run);
    }

    private static Map<Map<String, String>, List<Loki.Entry>> own(Map<Map<String, String>, List<Loki.Entry>> streams) {
        Map<Map<String, String>, List<Loki.Entry>> out = new java.util.HashMap<>();
        streams.forEach((labels, lines) -> {
            Map<String, String> own = new TreeMap<>(labels);
            own.keySet().removeAll(List.of("service_name", "detected_level"));
            out.merge(Map.copyOf(own), lines, (a, b) -> {
                List<Loki.Entry> all = new ArrayList<>(a);
                all.addAll(b);
                return all;
            });
        });
        return out;
    }

    /** {@code prefix 1} to {@code prefix n}, in order, each at a later nanosecond than the one before, read during this test. */
    private void assertLines(List<Loki.Entry> lines, String prefix, int n) {
        assertThat(lines).hasSize(n);
        long previous = Loki.nanos(started);
        for (int i = 0; i < n; i++) {
            assertThat(lines.get(i).line()).isEqualTo(prefix + (i + 1));
            assertThat(lines.get(i).nanos()).as("strictly increasing read times").isGreaterThan(previous);
            previous = lines.get(i).nanos();
        }
        assertThat(previous).isLessThan(Loki.nanos(Instant.now()));
    }

    private static long count(Loki loki, String selector) {
        try {
            return loki.count(selector);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String stderr(Kinesin.Running k) {
        try {
            return k.stderrSoFar();
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
