package io.kinesin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.kinesin.spi.Signal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Post-death and on-exit hooks through the shipped {@code alert-hooks} plugin (INTERFACE.md
 * section 2, Post-death hooks): a real HTTP receiver started here gets the facts of an exit, a
 * signal death, a restart and a FAILED crash loop; an exec hook sees every variable and its
 * output reaches the log bus under its name; a hook that hangs is killed with its children;
 * a webhook to a closed port is a counted failure and kinesin goes on; on-exit hooks run once
 * with the status and the reason, after SIGTERM and after an essential service's end.
 */
class HooksIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<JsonNode> received = new CopyOnWriteArrayList<>();
    private static HttpServer receiver;
    private static Path dir;
    private static Kinesin.Running kinesin;
    private static StatusQuery query;
    private static int closedPort;
    private static Http http;

    @BeforeAll
    static void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        receiver.createContext("/hook", exchange -> {
            received.add(JSON.readTree(exchange.getRequestBody()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        dir = Files.createTempDirectory(Path.of("/tmp"), "kinesin-hooks-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        http = new Http(Http.freePort());
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                kinesin:
                  shutdown: { timeout: 2s }
                  http: { listen: "127.0.0.1:%4$d" }
                services:
                  main:
                    command: [sleep, "1000"]
                  crasher:
                    essential: false
                    restart: on-failure
                    backoff: { initial: 200ms, max: 200ms }
                    crash-loop: { deaths: 2, within: 1m }
                    command: [sh, -c, 'exit 3']
                    on-death:
                      - { type: webhook, url: "%1$s", when: always, timeout: 5s }
                  victim:
                    essential: false
                    command: [sleep, "1000"]
                    on-death:
                      - { type: exec, command: [sh, -c, 'env | grep ^KINESIN_ | sort > %2$s/victim.env; echo alerted $KINESIN_SERVICE'] }
                      - { type: webhook, url: "%1$s", when: failed }
                  hanger:
                    essential: false
                    command: [sh, -c, 'exit 1']
                    on-death:
                      - { type: exec, command: [sh, -c, 'echo $$ > %2$s/hook.pid; sleep 60 & echo $! > %2$s/hook-child.pid; wait'], timeout: 1s }
                  unreachable:
                    essential: false
                    command: [sh, -c, 'exit 1']
                    on-death:
                      - { type: webhook, url: "http://127.0.0.1:%3$d/hook", timeout: 2s }
                on-exit:
                  - { type: exec, command: [sh, -c, 'echo "$KINESIN_EXIT_STATUS $KINESIN_REASON" >> %2$s/on-exit'], timeout: 5s }
                """.formatted(url, dir, closedPort, http.port()));
        Path socket = dir.resolve("control.sock");
        query = new StatusQuery(socket);
        kinesin = Kinesin.args("run", "--control", socket.toString(), config.toString()).start();
        Eventually.until("kinesin serves its socket", () -> query.pid("main", 0) > 0);
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (kinesin != null && kinesin.alive()) {
                kinesin.signal(Signal.TERM);
                kinesin.await(Duration.ofSeconds(30));
            }
        } finally {
            receiver.stop(0);
            Kinesin.deleteTree(dir);
        }
    }

    private static List<JsonNode> from(String service) {
        return received.stream().filter(j -> j.path("service").asText().equals(service)).toList();
    }

    @Test
    void aWebhookGetsTheFactsOfEachCrashAndOfTheFailedCrashLoop() throws Exception {
        Eventually.until("crasher is failed", () -> query.state("crasher", 0).equals("failed"));
        Eventually.until("the failed state reached the receiver", () -> from("crasher").stream().anyMatch(j -> j.path("state").asText().equals("failed")));
        List<JsonNode> calls = from("crasher");
        int folded = calls.stream().mapToInt(j -> j.path("coalesced").asInt()).sum();
        assertThat(calls.size() + folded).as("every death delivered or counted as coalesced").isEqualTo(3);
        JsonNode last = calls.getLast();
        assertThat(last.path("exit_code").asInt()).isEqualTo(3);
        assertThat(last.path("signal").isNull()).isTrue();
        assertThat(last.path("will_restart").asBoolean()).isFalse();
        assertThat(last.path("deaths").asInt()).isEqualTo(3);
        assertThat(last.path("instance").asInt()).isZero();
        assertThat(last.path("pid").asInt()).isPositive();
        assertThat(last.path("at").asText()).isNotEmpty();
        assertThat(last.path("text").asText()).contains("crasher");
        JsonNode restart = calls.getFirst();
        assertThat(restart.path("will_restart").asBoolean()).isTrue();
        assertThat(restart.path("state").asText()).isEqualTo("backoff");
    }

    @Test
    void anExecHookSeesEveryFactAndItsOutputIsOnTheLogBusAndAWebhookHearsOfTheSignalDeath() throws Exception {
        int pid = query.pid("victim", 0);
        new ProcessBuilder("kill", "-KILL", String.valueOf(pid)).start().waitFor();
        Path env = dir.resolve("victim.env");
        Eventually.until("the exec hook wrote its environment", () -> Files.exists(env) && lines(env).size() >= 9);
        Map<String, String> facts = new HashMap<>();
        for (String l : lines(env)) {
            facts.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
        }
        assertThat(facts).containsEntry("KINESIN_SERVICE", "victim").containsEntry("KINESIN_INSTANCE", "0")
                .containsEntry("KINESIN_PID", String.valueOf(pid)).containsEntry("KINESIN_EXIT_CODE", "")
                .containsEntry("KINESIN_SIGNAL", "KILL").containsEntry("KINESIN_DEATHS", "1")
                .containsEntry("KINESIN_WILL_RESTART", "false").containsEntry("KINESIN_STATE", "failed");
        Eventually.until("the hook's output is on the console under its name", () -> kinesin.stdoutNow().contains("| alerted victim"));
        assertThat(kinesin.stdoutNow().lines().filter(l -> l.endsWith("| alerted victim")).findFirst().orElseThrow())
                .startsWith("hook:victim:");
        Eventually.until("the webhook (when: failed) got it", () -> !from("victim").isEmpty());
        JsonNode v = from("victim").getFirst();
        assertThat(v.path("signal").asText()).isEqualTo("KILL");
        assertThat(v.path("exit_code").isNull()).isTrue();
    }

    @Test
    void aHookThatHangsIsKilledWithItsChildrenAtItsTimeout() throws Exception {
        Path hookPid = dir.resolve("hook.pid");
        Path childPid = dir.resolve("hook-child.pid");
        Eventually.until("the hung hook started its child", () -> Files.exists(childPid) && !lines(childPid).isEmpty());
        int hook = Integer.parseInt(lines(hookPid).getFirst().strip());
        int child = Integer.parseInt(lines(childPid).getFirst().strip());
        Eventually.until("the hook and its child are gone", Duration.ofSeconds(10), () -> Procs.stat(hook) == null && Procs.stat(child) == null);
        Eventually.until("the failure is logged", () -> kinesin.stderrNow().contains("msg=\"hook failed\" service=hanger hook=exec"));
        Procs.noZombieStaysUnder(kinesin.pid());
    }

    @Test
    void aWebhookToAClosedPortIsAFailureCountedInTheMetricsAndKinesinGoesOn() throws Exception {
        Eventually.until("the failure is logged", () -> kinesin.stderrNow().contains("msg=\"hook failed\" service=unreachable hook=webhook result=error"));
        assertThat(kinesin.alive()).isTrue();
        assertThat(query.state("main", 0)).isEqualTo("ready");
        // /metrics may be a second old: wait for the counts rather than read them once
        Eventually.until("the metrics count the failed call and its plugin's error", () -> {
            Http.Answer m = http.tryGet("/metrics");
            return m != null && m.body().contains("kinesin_hooks_total{hook=\"webhook\",result=\"error\",service=\"unreachable\"} 1")
                    && m.body().contains("kinesin_plugin_errors_total{plugin=\"alert-hooks\"}");
        });
        Http.Answer m = http.get("/metrics");
        assertThat(m.body()).contains("kinesin_hooks_total{hook=\"webhook\",result=\"ok\",service=\"crasher\"}");
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (Exception e) {
            return List.of();
        }
    }
}
