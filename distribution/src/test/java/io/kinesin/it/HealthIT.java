package io.kinesin.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Health checks through the shipped {@code probes} plugin (INTERFACE.md section 2, Health
 * checks), against servers the children serve: an {@code http} check that starts failing
 * restarts after {@code failures} consecutive failures; {@code action: unready} takes an
 * instance out of ready and back without a restart; a hung {@code exec} check is killed at its
 * timeout; a {@code tcp} check on a port that closes. One kinesin serves every test.
 */
class HealthIT {

    private static Path dir;
    private static Kinesin.Running kinesin;
    private static StatusQuery query;

    @BeforeAll
    static void start() throws Exception {
        dir = HealthPage.directory("kinesin-health-");
        HealthPage.write(dir.resolve("web.py"));
        Files.writeString(dir.resolve("listener.py"), """
                import os, socket, sys, time
                port, closed = int(sys.argv[1]), sys.argv[2]
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", port))
                s.listen(16)
                s.settimeout(0.05)
                while not os.path.exists(closed):
                    try:
                        s.accept()[0].close()
                    except socket.timeout:
                        pass
                s.close()
                time.sleep(1000)
                """);
        for (String ok : new String[] {"ok-live", "ok-ready"}) {
            Files.writeString(dir.resolve(ok), "");
        }
        int live = freePort();
        int ready = freePort();
        int tcp = freePort();
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                kinesin:
                  shutdown: { timeout: 2s }
                services:
                  live:
                    restart: always
                    backoff: { initial: 100ms, max: 100ms }
                    command: [python3, '%1$s/web.py', '%2$d', '%1$s/ok-live']
                    ready: { notify: health, timeout: 30s }
                    health:
                      - { type: http, url: "http://127.0.0.1:%2$d/healthz", every: 200ms, timeout: 1s, failures: 3 }
                  unready:
                    command: [python3, '%1$s/web.py', '%3$d', '%1$s/ok-ready']
                    ready: { notify: health, timeout: 30s }
                    health:
                      - { type: http, url: "http://127.0.0.1:%3$d/healthz", every: 200ms, timeout: 1s, failures: 2, action: unready }
                  hung:
                    essential: false
                    command: [sleep, "1000"]
                    health:
                      - { type: exec, command: [sh, -c, 'echo $$ >> %1$s/hung.pids; exec sleep 60'], every: 600ms, timeout: 300ms, failures: 1000000, action: unready }
                  port:
                    essential: false
                    restart: always
                    backoff: { initial: 100ms, max: 100ms }
                    crash-loop: { deaths: 1000, within: 1m }
                    command: [python3, '%1$s/listener.py', '%4$d', '%1$s/close-port']
                    ready: { notify: health }
                    health:
                      - { type: tcp, address: "127.0.0.1:%4$d", every: 200ms, timeout: 500ms, failures: 2 }
                """.formatted(dir, live, ready, tcp));
        Path socket = dir.resolve("control.sock");
        query = new StatusQuery(socket);
        kinesin = Kinesin.args("run", "--control", socket.toString(), config.toString()).start();
        Eventually.until("live and unready pass their first check", Duration.ofSeconds(30),
                () -> query.state("live", 0).equals("ready") && query.state("unready", 0).equals("ready"));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (kinesin != null) {
            kinesin.stopCleanly();
        }
        Kinesin.deleteTree(dir);
    }

    private static String stderr() {
        return kinesin.stderrNow();
    }

    @Test
    void anHttpCheckThatStartsFailingRestartsTheInstanceAfterItsConsecutiveFailures() throws Exception {
        JsonNode before = query.instance("live", 0);
        assertThat(before.path("health").path(0).path("passing").asBoolean()).isTrue();
        assertThat(before.path("health").path(0).path("last_result").asText()).isEqualTo("200");
        int pid = before.path("pid").asInt();
        Files.delete(dir.resolve("ok-live"));
        Eventually.until("live is restarted", () -> query.pid("live", 0) != pid && query.pid("live", 0) > 0);
        Files.writeString(dir.resolve("ok-live"), "");
        assertThat(stderr()).contains("msg=\"health check failing\" service=live instance=0 pid=" + pid
                + " check=http result=503 failures=3 action=restart");
        assertThat(stderr()).contains("reason=\"health check http failed 3 times: 503\"");
        assertThat(stderr().split("msg=\"health check failing\" service=live", -1)).as("one restart for one failing run").hasSize(2);
        Eventually.until("the new live is ready", () -> query.state("live", 0).equals("ready"));
        assertThat(query.instance("live", 0).path("restarts").asInt()).isEqualTo(1);
    }

    @Test
    void anUnreadyCheckTakesTheInstanceOutOfReadyAndBackWithoutARestart() throws Exception {
        int pid = query.pid("unready", 0);
        Files.delete(dir.resolve("ok-ready"));
        Eventually.until("unready leaves ready", () -> query.state("unready", 0).equals("running"));
        JsonNode out = query.instance("unready", 0);
        assertThat(out.path("ready").asBoolean()).isFalse();
        assertThat(out.path("health").path(0).path("passing").asBoolean()).isFalse();
        assertThat(out.path("health").path(0).path("consecutive_failures").asInt()).isGreaterThanOrEqualTo(2);
        Files.writeString(dir.resolve("ok-ready"), "");
        Eventually.until("unready is ready again", () -> query.state("unready", 0).equals("ready"));
        assertThat(query.pid("unready", 0)).isEqualTo(pid);
        assertThat(query.instance("unready", 0).path("restarts").asInt()).isZero();
    }

    @Test
    void aHungExecCheckIsKilledAtItsTimeoutAndLeavesNoZombie() throws Exception {
        Path pids = dir.resolve("hung.pids");
        Eventually.until("three hung checks ran", () -> lines(pids) >= 3);
        JsonNode hung = query.instance("hung", 0);
        assertThat(hung.path("health").path(0).path("last_result").asText()).startsWith("no answer within 300ms");
        assertThat(hung.path("state").asText()).as("failures: 1000000 is never reached").isEqualTo("ready");
        assertThat(hung.path("restarts").asInt()).isZero();
        for (String p : Files.readAllLines(pids).subList(0, 2)) {
            int pid = Integer.parseInt(p.strip());
            Eventually.until("hung check " + pid + " is killed and reaped", () -> Procs.stat(pid) == null);
        }
        Procs.noZombieStaysUnder(kinesin.pid());
    }

    @Test
    void aTcpCheckOnAPortThatClosesRestartsTheInstance() throws Exception {
        Eventually.until("port passes", () -> query.instance("port", 0).path("health").path(0).path("passing").asBoolean());
        assertThat(query.instance("port", 0).path("health").path(0).path("last_result").asText()).isEqualTo("connected");
        int pid = query.pid("port", 0);
        Files.writeString(dir.resolve("close-port"), "");
        Eventually.until("port is restarted", () -> query.instance("port", 0).path("restarts").asInt() >= 1);
        Files.delete(dir.resolve("close-port"));
        Eventually.until("the failing check is logged", () -> stderr().contains("msg=\"health check failing\" service=port instance=0 pid="
                + pid + " check=tcp result=\"connection refused\" failures=2 action=restart"));
        Eventually.until("the new port is ready", () -> query.state("port", 0).equals("ready"));
    }

    private static int lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (Exception e) {
            return 0;
        }
    }
}
