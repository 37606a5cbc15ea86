package io.kinesin.sink.loki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A real Grafana Loki for tests: the single-process Loki 3.4 of {@code ../shared/loki}, run on
 * free local ports with its data in a temp dir, stopped and started again on the same ports
 * and data for outage tests, and read back through its own {@code query_range} API.
 *
 * <p>The binary: {@code -Dkinesin.loki=PATH} or {@code $KINESIN_LOKI}, else where
 * {@code start-loki} unpacks it ({@code ${KINESIN_LOKI_CACHE:-~/.cache/kinesin-loki}/loki-3.4.6});
 * {@code .ci/run} unpacks and checks it there. Its config: {@code loki-config.yaml} of
 * {@code -Dkinesin.loki.shared} (the build sets {@code ../shared/loki}) or {@code $KINESIN_LOKI_CONFIG_DIR}.
 * When they are missing a test is skipped saying so, except under CI ({@code CI=true}), where it fails.
 */
public final class Loki implements AutoCloseable {

    /** One line as Loki stored it. */
    public record Entry(Map<String, String> labels, long nanos, String line) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int PAGE = 5000;
    private static Loki shared;

    private final Path binary;
    private final Path config;
    private final Path dir;
    private final int httpPort;
    private final int grpcPort;
    private Process process;

    private Loki(Path binary, Path config, Path dir) throws IOException {
        this.binary = binary;
        this.config = config;
        this.dir = dir;
        this.httpPort = freePort();
        this.grpcPort = freePort();
    }

    /** One Loki for every test of this JVM, started on first use, stopped when the JVM exits. */
    public static synchronized Loki shared() throws Exception {
        if (shared == null) {
            shared = start();
            Loki l = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(l::close));
        }
        return shared;
    }

    /** A Loki of the caller's own (to stop and start again), ready to be pushed to and queried. */
    public static Loki start() throws Exception {
        Path binary = Path.of(setting("kinesin.loki", "KINESIN_LOKI", Path.of(System.getenv().getOrDefault("KINESIN_LOKI_CACHE",
                System.getProperty("user.home") + "/.cache/kinesin-loki")).resolve("loki-3.4.6").toString()));
        Path config = Path.of(setting("kinesin.loki.shared", "KINESIN_LOKI_CONFIG_DIR", "../shared/loki")).resolve("loki-config.yaml");
        String missing = !Files.isExecutable(binary) ? "no Loki binary at " + binary
                : !Files.isRegularFile(config) ? "no Loki config at " + config : null;
        if (missing != null) {
            String why = missing + ": run .ci/loki (it unpacks ../shared/loki/loki-3.4.6.xz and checks it), or set KINESIN_LOKI";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(why);
            }
            Assumptions.abort(why);
        }
        Loki loki = new Loki(binary, config, Files.createTempDirectory("kinesin-loki-"));
        loki.run();
        loki.awaitReady();
        return loki;
    }

    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    public String pushUrl() {
        return url() + "/loki/api/v1/push";
    }

    /** Stops it (SIGTERM, as an orchestrator would) and waits until it is gone. */
    public void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Starts it again on the same ports and data; returns once it takes pushes. */
    public void restart() throws IOException, InterruptedException {
        run();
        awaitPushes();
    }

    /** Waits until queries answer, as after {@link #restart} before reading back. */
    public void awaitReady() throws IOException, InterruptedException {
        until(() -> get("/ready").statusCode() == 200 && get("/loki/api/v1/labels").statusCode() == 200);
    }

    /**
     * Every line of the streams {@code selector} matches, stored between {@code from} and
     * {@code to}: each stream's lines in Loki's order (by time), the streams in no set order.
     * Read in pages, as Loki answers at most about 4 MB at once.
     */
    public Map<Map<String, String>, List<Entry>> streams(String selector, Instant from, Instant to) throws IOException, InterruptedException {
        Map<Map<String, String>, List<Entry>> out = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        long start = nanos(from);
        long end = nanos(to);
        while (true) {
            JsonNode result = query(selector, start, end);
            long last = start;
            int fresh = 0;
            int count = 0;
            for (JsonNode stream : result) {
                Map<String, String> labels = new TreeMap<>();
                stream.get("stream").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
                for (JsonNode value : stream.get("values")) {
                    long ns = Long.parseLong(value.get(0).asText());
                    count++;
                    last = Math.max(last, ns);
                    if (seen.add(labels + "@" + ns)) { // a page starts at the last one's time: lines there come again
                        out.computeIfAbsent(labels, l -> new ArrayList<>()).add(new Entry(labels, ns, value.get(1).asText()));
                        fresh++;
                    }
                }
            }
            if (count < PAGE) {
                break;
            }
            if (fresh == 0) {
                throw new IllegalStateException("more than " + PAGE + " lines at one nanosecond: cannot page on");
            }
            start = last;
        }
        out.values().forEach(l -> l.sort(Comparator.comparingLong(Entry::nanos)));
        return out;
    }

    /** Every line {@code selector} matches, all streams together in time order. */
    public List<Entry> lines(String selector, Instant from, Instant to) throws IOException, InterruptedException {
        return streams(selector, from, to).values().stream().flatMap(List::stream).sorted(Comparator.comparingLong(Entry::nanos)).toList();
    }

    /** How many lines {@code selector} matches over the last hour: a cheap question to poll. */
    public long count(String selector) throws IOException, InterruptedException {
        String q = "/loki/api/v1/query?query=" + URLEncoder.encode("sum(count_over_time(" + selector + "[1h]))", StandardCharsets.UTF_8);
        HttpResponse<String> r = get(q);
        if (r.statusCode() != 200) {
            throw new IOException("Loki answered " + r.statusCode() + " to " + q + ": " + r.body());
        }
        JsonNode result = JSON.readTree(r.body()).path("data").path("result");
        return result.isEmpty() ? 0 : Long.parseLong(result.get(0).get("value").get(1).asText());
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private JsonNode query(String selector, long start, long end) throws IOException, InterruptedException {
        String q = "/loki/api/v1/query_range?direction=forward&limit=" + PAGE + "&start=" + start + "&end=" + end
                + "&query=" + URLEncoder.encode(selector, StandardCharsets.UTF_8);
        HttpResponse<String> r = get(q);
        if (r.statusCode() != 200) {
            throw new IOException("Loki answered " + r.statusCode() + " to " + q + ": " + r.body());
        }
        return JSON.readTree(r.body()).path("data").path("result");
    }

    private void run() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(binary.toString(), "-config.file=" + config, "-config.expand-env=true");
        pb.environment().put("LOKI_HTTP_PORT", Integer.toString(httpPort));
        pb.environment().put("LOKI_GRPC_PORT", Integer.toString(grpcPort));
        pb.environment().put("LOKI_DIR", dir.toString());
        pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("loki.log").toFile()));
        process = pb.start();
    }

    /** Loki takes pushes about a second after it starts, long before queries answer. */
    private void awaitPushes() throws IOException, InterruptedException {
        until(() -> {
            HttpRequest push = HttpRequest.newBuilder(URI.create(pushUrl())).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"streams\":[]}")).build();
            return HTTP.send(push, HttpResponse.BodyHandlers.discarding()).statusCode() < 500; // 422 "no streams": it reads pushes
        });
    }

    private interface Probe {
        boolean ok() throws IOException, InterruptedException;
    }

    private void until(Probe probe) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("Loki exited (" + process.exitValue() + "); its log: " + tail());
            }
            try {
                if (probe.ok()) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("Loki not ready after 90s; its log: " + tail());
            }
            Thread.sleep(100);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("loki.log"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private static String setting(String property, String variable, String fallback) {
        String p = System.getProperty(property);
        return p != null ? p : System.getenv().getOrDefault(variable, fallback);
    }

    public static long nanos(Instant at) {
        return at.getEpochSecond() * 1_000_000_000L + at.getNano();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
