package io.kinesin.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.kinesin.kernel.process.Processes;
import io.kinesin.spi.Signal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The HTTP endpoint (INTERFACE.md section 3) of a running kinesin, over real sockets: each
 * path's status and body as services start, get ready, fail a health check and crash-loop to
 * FAILED; {@code /metrics} checked by {@code promtool} and scraped by a real Prometheus; the
 * status page in a real headless Chromium. One kinesin serves the ordered tests (each step
 * moves its services on); the tests that need a kinesin of their own start one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HttpIT {

    private static Path dir;
    private static Kinesin.Running kinesin;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        dir = HealthPage.directory("kinesin-http-");
        HealthPage.write(dir.resolve("web.py"));
        Files.writeString(dir.resolve("ok"), "");
        int port = Http.freePort();
        int checked = Http.freePort();
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                kinesin:
                  shutdown: { timeout: 2s }
                  http: { listen: "127.0.0.1:%2$d" }
                services:
                  web:
                    command: [sleep, "1000"]
                    restart: always
                    backoff: { initial: 100ms, max: 100ms }
                  gate:
                    command: [sh, -c, 'while [ ! -e %1$s/go ]; do sleep 0.05; done; echo go; exec sleep 1000']
                    ready: { notify: log, pattern: "^go$", timeout: 120s }
                  checked:
                    command: [python3, '%1$s/web.py', '%3$d', '%1$s/ok']
                    ready: { notify: health, timeout: 30s }
                    health:
                      - { type: http, url: "http://127.0.0.1:%3$d/healthz", every: 200ms, timeout: 1s, failures: 2, action: unready }
                  crash:
                    essential: false
                    restart: always
                    backoff: { initial: 50ms, max: 50ms }
                    crash-loop: { deaths: 3, within: 1m }
                    command: [sh, -c, 'while [ ! -e %1$s/crash ]; do sleep 0.05; done; exit 1']
                  once:
                    essential: false
                    command: ["true"]
                """.formatted(dir, port, checked));
        kinesin = Kinesin.args("run", config.toString()).start();
        http = new Http(port);
        Eventually.until("web and checked ready", Duration.ofSeconds(30), () -> {
            Http.Answer a = http.tryGet("/status");
            return a != null && state(a.json(), "web").equals("ready") && state(a.json(), "checked").equals("ready");
        });
    }

    @AfterAll
    static void stop() throws Exception {
        if (kinesin != null) {
            kinesin.stopCleanly();
        }
    }

    private static JsonNode instance(JsonNode status, String service) {
        return status.path("services").path(service).path("instances").path(0);
    }

    private static String state(JsonNode status, String service) {
        return instance(status, service).path("state").asText();
    }

    private static JsonNode notReady(Http.Answer a, String service) {
        for (JsonNode n : a.json().path("not_ready")) {
            if (n.path("service").asText().equals(service)) {
                return n;
            }
        }
        return null;
    }

    @Test
    @Order(1)
    void readyzNamesWhoIsNotReadyAndWhyWhileLivezIsOk() throws Exception {
        Http.Answer ready = http.get("/readyz");
        assertThat(ready.code()).as(ready.body()).isEqualTo(503);
        assertThat(ready.header("Content-Type")).startsWith("application/json");
        JsonNode gate = notReady(ready, "gate");
        assertThat(gate).as(ready.body()).isNotNull();
        assertThat(gate.path("instance").asInt()).isZero();
        assertThat(gate.path("state").asText()).isEqualTo("running");
        assertThat(gate.path("reason").asText()).isEqualTo("waiting for its readiness (notify: log)");
        assertThat(notReady(ready, "web")).as("web is ready").isNull();
        assertThat(notReady(ready, "once")).as("a finished one-shot is no reason to wait").isNull();

        Http.Answer live = http.get("/livez");
        assertThat(live.code()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("ok\n");
        assertThat(live.header("Content-Type")).startsWith("text/plain");
    }

    @Test
    @Order(2)
    void statusHasTheInterfacesShape() throws Exception {
        Http.Answer a = http.get("/status");
        assertThat(a.code()).isEqualTo(200);
        assertThat(a.header("Content-Type")).startsWith("application/json");
        JsonNode s = a.json();
        JsonNode k = s.path("kinesin");
        assertThat(k.path("pid").asInt()).isEqualTo(kinesin.pid());
        assertThat(k.path("version").asText()).isNotEmpty();
        assertThat(k.path("started_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(k.path("uptime_seconds").isIntegralNumber()).isTrue();
        assertThat(s.path("services").fieldNames()).toIterable().containsExactly("web", "gate", "checked", "crash", "once");
        JsonNode web = instance(s, "web");
        for (String field : List.of("instance", "state", "pid", "started_at", "restarts", "last_exit", "ready", "notify_status", "health")) {
            assertThat(web.has(field)).as(field + " in " + web).isTrue();
        }
        assertThat(web.path("ready").asBoolean()).isTrue();
        JsonNode check = instance(s, "checked").path("health").path(0);
        assertThat(check.path("type").asText()).isEqualTo("http");
        assertThat(check.path("passing").asBoolean()).isTrue();
        assertThat(check.path("last_result").asText()).isEqualTo("200");
        assertThat(check.path("consecutive_failures").asInt()).isZero();
        assertThat(instance(s, "once").path("state").asText()).isEqualTo("exited");
        assertThat(instance(s, "once").path("last_exit").path("code").asInt()).isZero();
    }

    @Test
    @Order(3)
    void readyzIs200OnceEveryInstanceIsReady() throws Exception {
        Files.writeString(dir.resolve("go"), "");
        Eventually.until("/readyz 200", Duration.ofSeconds(20), () -> {
            Http.Answer a = http.tryGet("/readyz");
            return a != null && a.code() == 200;
        });
        assertThat(http.get("/readyz").json().path("not_ready").size()).isZero();
    }

    @Test
    @Order(4)
    void aFailingUnreadyCheckIsNamedWithItsResultAndThenCleared() throws Exception {
        Files.delete(dir.resolve("ok"));
        Eventually.until("checked out of ready", Duration.ofSeconds(20), () -> {
            Http.Answer a = http.tryGet("/readyz");
            return a != null && a.code() == 503 && notReady(a, "checked") != null;
        });
        JsonNode checked = notReady(http.get("/readyz"), "checked");
        assertThat(checked.path("state").asText()).isEqualTo("running");
        assertThat(checked.path("reason").asText()).isEqualTo("health check http failing: 503");
        JsonNode check = instance(http.get("/status").json(), "checked").path("health").path(0);
        assertThat(check.path("passing").asBoolean()).isFalse();
        assertThat(check.path("consecutive_failures").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(http.get("/livez").code()).as("readiness is not liveness").isEqualTo(200);

        Files.writeString(dir.resolve("ok"), "");
        Eventually.until("/readyz 200 again", Duration.ofSeconds(20), () -> {
            Http.Answer a = http.tryGet("/readyz");
            return a != null && a.code() == 200;
        });
        awaitMetric("kinesin_health_checks_total{check=\"http\",result=\"fail\",service=\"checked\"}", v -> v >= 2);
        awaitMetric("kinesin_health_check_duration_seconds_count{check=\"http\",service=\"checked\"}", v -> v >= 3);
    }

    @Test
    @Order(5)
    void aCrashLoopIsFailedInReadyzStatusAndMetricsButANonEssentialOneLeavesLivezOk() throws Exception {
        Files.writeString(dir.resolve("crash"), "");
        Eventually.until("crash FAILED", Duration.ofSeconds(20), () -> {
            Http.Answer a = http.tryGet("/status");
            return a != null && state(a.json(), "crash").equals("failed");
        });
        Http.Answer ready = http.get("/readyz");
        assertThat(ready.code()).isEqualTo(503);
        JsonNode crash = notReady(ready, "crash");
        assertThat(crash.path("state").asText()).isEqualTo("failed");
        assertThat(crash.path("reason").asText()).startsWith("failed: crash loop: 4 deaths within 1m");
        assertThat(ready.json().path("not_ready").size()).as("only crash").isEqualTo(1);
        assertThat(http.get("/livez").code()).as("crash is not essential").isEqualTo(200);

        // /metrics may be up to a second old (one body per second), and the lifecycle counts come off the loop's thread
        awaitMetric("kinesin_instances{service=\"crash\",state=\"failed\"}", v -> v == 1);
        awaitMetric("kinesin_deaths_total{cause=\"exit\",service=\"crash\"}", v -> v == 4);
        awaitMetric("kinesin_restarts_total{service=\"crash\"}", v -> v == 3);
        awaitMetric("kinesin_service_up{service=\"crash\"}", v -> v == 0);
        awaitMetric("kinesin_service_up{service=\"web\"}", v -> v == 1);
    }

    @Test
    @Order(6)
    void metricsHaveEveryNameAndPassPromtoolAndSpeakOpenMetricsWhenAsked() throws Exception {
        Http.Answer text = http.get("/metrics");
        assertThat(text.code()).isEqualTo(200);
        assertThat(text.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        for (String name : List.of("kinesin_build_info{version=", "kinesin_instances{", "kinesin_service_up{", "kinesin_restarts_total{",
                "kinesin_deaths_total{", "kinesin_zombies_reaped_total ", "kinesin_log_lines_total{", "kinesin_log_bytes_total{",
                "kinesin_health_checks_total{", "kinesin_health_check_duration_seconds_bucket{",
                "process_resident_memory_bytes ", "process_start_time_seconds ", "process_cpu_seconds_total ", "process_open_fds ")) {
            assertThat(text.body()).as(name).contains("\n" + name);
        }
        awaitMetric("kinesin_zombies_reaped_total", v -> v >= 5); // once and crash's four
        assertThat(promtool(text.body())).isEqualTo("");

        Http.Answer open = http.get("/metrics", "Accept: application/openmetrics-text; version=1.0.0; charset=utf-8\r\n");
        assertThat(open.header("Content-Type")).startsWith("application/openmetrics-text");
        assertThat(open.body()).endsWith("# EOF\n").contains("# TYPE kinesin_build info");
        // promtool check metrics reads only the text format; Prometheus itself asks for
        // OpenMetrics first, so the next test's scrape (up == 1) is this format's check
    }

    /** {@code promtool check metrics}'s complaints; "" when there are none. */
    private static String promtool(String exposition) throws Exception {
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out.strip();
    }

    @Test
    @Order(7)
    void aRealPrometheusScrapesTheRestartOfAService(@TempDir Path tmp) throws Exception {
        int before = restartWeb();

        int port = Http.freePort();
        Path config = Files.writeString(tmp.resolve("prometheus.yml"), """
                global: { scrape_interval: 1s, evaluation_interval: 1s }
                scrape_configs:
                  - job_name: kinesin
                    static_configs: [{ targets: ["127.0.0.1:%d"] }]
                """.formatted(http.port()));
        Process prometheus = new ProcessBuilder("prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + tmp.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();
        try {
            Http api = new Http(port);
            String query = "/api/v1/query?query=kinesin_restarts_total%7Bservice%3D%22web%22%7D";
            Eventually.until("Prometheus has kinesin_restarts_total{service=\"web\"}", Duration.ofSeconds(60), () -> {
                Http.Answer a = api.tryGet(query);
                if (a == null || a.code() != 200) {
                    return false;
                }
                JsonNode result = a.json().path("data").path("result");
                return result.size() == 1 && result.path(0).path("value").path(1).asDouble() >= before + 1;
            });
            JsonNode series = api.get(query).json().path("data").path("result").path(0).path("metric");
            assertThat(series.path("job").asText()).isEqualTo("kinesin");
            assertThat(series.path("service").asText()).isEqualTo("web");
            JsonNode up = api.get("/api/v1/query?query=up").json().path("data").path("result").path(0).path("value").path(1);
            assertThat(up.asText()).as("the scrape itself succeeded").isEqualTo("1");
        } finally {
            prometheus.destroy();
            prometheus.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    @Order(8)
    void theStatusPageShowsTheServicesAndARestartInARealBrowser(@TempDir Path tmp) throws Exception {
        Http.Answer page = http.get("/");
        assertThat(page.code()).isEqualTo(200);
        assertThat(page.header("Content-Type")).isEqualTo("text/html; charset=utf-8");
        assertThat(page.header("Content-Security-Policy")).startsWith("default-src 'none'");
        assertThat(page.body()).doesNotContain("src=\"http", "href=\"http", "@import", "url(");

        int before = instance(http.get("/status").json(), "web").path("restarts").asInt();
        String dom = chromium(tmp, "--dump-dom");
        for (String service : List.of("web", "gate", "checked", "crash", "once")) {
            assertThat(dom).contains("<section data-service=\"" + service + "\">");
        }
        assertThat(dom).contains("data-service=\"web\" data-instance=\"0\" data-state=\"ready\" data-restarts=\"" + before + "\"");
        assertThat(dom).as("state has a text label, not only a colour").contains("class=\"state s-ready\">ready<", "class=\"state s-failed\">failed<");
        assertThat(dom).contains("crash loop: 4 deaths within 1m");

        restartWeb();
        String after = chromium(tmp, "--dump-dom");
        assertThat(after).contains("data-service=\"web\" data-instance=\"0\" data-state=\"ready\" data-restarts=\"" + (before + 1) + "\"");
        assertThat(after).containsPattern("exit null|signal KILL");

        Path shot = Path.of("target/status-page.png").toAbsolutePath();
        chromium(tmp, "--screenshot=" + shot, "--window-size=1000,760");
        Path phone = Path.of("target/status-page-phone.png").toAbsolutePath();
        chromium(tmp, "--screenshot=" + phone, "--window-size=390,844");
        assertThat(Files.size(shot)).isGreaterThan(10_000);
    }

    /** Runs headless Chromium on the status page, after its script has fetched /status; returns its stdout. */
    private static String chromium(Path tmp, String... what) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + tmp.resolve("chromium"), "--virtual-time-budget=3000"));
        cmd.addAll(List.of(what));
        cmd.add("http://127.0.0.1:" + http.port() + "/");
        Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("chromium.log").toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve("chromium.log"))).isZero();
        return out;
    }

    @Test
    @Order(9)
    void onlyGetAndHeadAndSmallRequestsAreServed() throws Exception {
        Http.Answer post = http.request("POST", "/status", "Content-Length: 0\r\n");
        assertThat(post.code()).isEqualTo(405);
        assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
        assertThat(http.request("DELETE", "/", "").code()).isEqualTo(405);
        Http.Answer head = http.request("HEAD", "/status", "");
        assertThat(head.code()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(http.get("/nothing").code()).isEqualTo(404);

        assertThatThrownBy(() -> http.get("/status", "X-Big: " + "x".repeat(20_000) + "\r\n"))
                .as("headers over 8 KiB: the connection is closed unanswered").isInstanceOf(IOException.class);
        assertThat(http.get("/livez").code()).isEqualTo(200);
    }

    @Test
    @Order(10)
    void aClientThatNeverFinishesItsRequestIsCutOffAndHoldsNoThread() throws Exception {
        List<Socket> slow = new ArrayList<>();
        try {
            for (int k = 0; k < 4; k++) {
                Socket s = new Socket("127.0.0.1", http.port());
                s.getOutputStream().write("GET /status HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                slow.add(s);
            }
            long t0 = System.nanoTime();
            Http.Answer meanwhile = http.get("/livez");
            assertThat(meanwhile.code()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("answered beside the slow ones").isLessThan(Duration.ofSeconds(2));
            for (Socket s : slow) {
                s.setSoTimeout(15_000);
                InputStream in = s.getInputStream();
                int b;
                try {
                    b = in.read();
                } catch (IOException reset) {
                    b = -1;
                }
                assertThat(b).as("the server closed the slow connection").isEqualTo(-1);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    @Test
    @Order(20)
    void livezIs503NamingAnEssentialServiceThatIsFailed(@TempDir Path tmp) throws Exception {
        int port = Http.freePort();
        Path config = Files.writeString(tmp.resolve("kinesin.yaml"), """
                kinesin: { http: { listen: "127.0.0.1:%2$d" }, shutdown: { timeout: 4s } }
                services:
                  stubborn:
                    essential: false
                    command: [sh, -c, 'trap "" TERM; touch %1$s/armed; while :; do sleep 0.05; done']
                  dies:
                    restart: always
                    backoff: { initial: 50ms, max: 50ms }
                    crash-loop: { deaths: 2, within: 1m }
                    command: [sh, -c, 'while [ ! -e %1$s/armed ]; do sleep 0.05; done; while [ ! -e %1$s/die ]; do sleep 0.05; done; exit 3']
                """.formatted(tmp, port));
        Kinesin.Running k = Kinesin.args("run", config.toString()).start();
        Http h = new Http(port);
        Eventually.until("/livez 200", () -> {
            Http.Answer a = h.tryGet("/livez");
            return a != null && a.code() == 200;
        });
        Files.writeString(tmp.resolve("die"), "");
        // dies is FAILED, and kinesin stops: stubborn ignores TERM for the 4s of its ladder
        Eventually.until("/livez 503", () -> {
            Http.Answer a = h.tryGet("/livez");
            return a != null && a.code() == 503;
        });
        Http.Answer a = h.get("/livez");
        assertThat(a.body()).startsWith("essential service dies instance 0 is failed: crash loop: 3 deaths within 1m");
        Kinesin.Result r = k.await(Duration.ofSeconds(30));
        assertThat(r.status()).as(r.toString()).isEqualTo(3);
    }

    @Test
    @Order(21)
    void aBadAddressIsAUsageErrorAndAPortThatIsTakenStartsNothing(@TempDir Path tmp) throws Exception {
        Path marker = tmp.resolve("started");
        Path config = Files.writeString(tmp.resolve("kinesin.yaml"), """
                services:
                  web: { command: [touch, '%s'] }
                """.formatted(marker));
        Kinesin.Result bad = Kinesin.args("run", "--http", "8558", config.toString()).run();
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.stderr()).startsWith("--http: \"8558\": no port; expected :PORT (every interface), 127.0.0.1:PORT or [::1]:PORT");

        Path badConfig = Files.writeString(tmp.resolve("bad.yaml"), """
                kinesin: { http: { listen: "localhost:http" } }
                services:
                  web: { command: [touch, '%s'] }
                """.formatted(marker));
        Kinesin.Result badKey = Kinesin.args("run", badConfig.toString()).run();
        assertThat(badKey.status()).isEqualTo(2);
        assertThat(badKey.stderr()).startsWith("kinesin.http.listen: \"localhost:http\": the port \"http\" is not a number");

        Kinesin.Result mode = Kinesin.args("--http", ":8558", "--", "true").run();
        assertThat(mode.status()).isEqualTo(2);
        assertThat(mode.stderr()).contains("--http: the -- mode has no HTTP endpoint; it is kinesin run's");

        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Kinesin.Result busy = Kinesin.args("run", "--http", "127.0.0.1:" + taken.getLocalPort(), config.toString()).run();
            assertThat(busy.status()).isEqualTo(2);
            assertThat(busy.stderr()).startsWith("--http / kinesin.http.listen 127.0.0.1:" + taken.getLocalPort() + ": cannot listen there");
            assertThat(marker).as("nothing started").doesNotExist();
        }
    }

    /** Kills web's process and waits for its restart; returns its restarts before. */
    private static int restartWeb() throws Exception {
        JsonNode web = instance(http.get("/status").json(), "web");
        int before = web.path("restarts").asInt();
        assertThat(web.path("pid").asInt()).isPositive();
        Processes.kill(web.path("pid").asInt(), Signal.KILL, false);
        Eventually.until("web restarted", Duration.ofSeconds(20), () -> {
            Http.Answer a = http.tryGet("/status");
            return a != null && instance(a.json(), "web").path("restarts").asInt() == before + 1;
        });
        return before;
    }

    /** Waits until a scrape's sample of {@code series} satisfies {@code wanted}. */
    private static void awaitMetric(String series, java.util.function.DoublePredicate wanted) throws InterruptedException {
        Eventually.until(series, Duration.ofSeconds(10), () -> {
            Http.Answer a = http.tryGet("/metrics");
            Matcher m = a == null ? null : Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(a.body());
            return m != null && m.find() && wanted.test(Double.parseDouble(m.group(1)));
        });
    }

    /** The value of one sample line, e.g. {@code name{a="b"}}; fails if absent. */
    static double value(String exposition, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(exposition);
        assertThat(m.find()).as(series + " in\n" + exposition).isTrue();
        return Double.parseDouble(m.group(1));
    }
}
