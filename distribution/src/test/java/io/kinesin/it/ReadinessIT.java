package io.kinesin.it;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readiness with real programs (INTERFACE.md section 2, Readiness): Debian's
 * {@code systemd-notify}, a Python child speaking s6's fd protocol, a shell child writing the
 * JSON ack, a log pattern, a starved watchdog and a child that never gets ready. One kinesin
 * serves every test; each service waits for its own go file, so each test decides when.
 */
class ReadinessIT {

    private static Path dir;
    private static Kinesin.Running kinesin;
    private static StatusQuery query;

    @BeforeAll
    static void start() throws Exception {
        Users.ensureTestUser();
        dir = Files.createTempDirectory(Path.of("/tmp"), "kinesin-ready-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        // s6's notification-fd protocol, as a daemon written for s6 speaks it: a newline on fd 3
        Files.writeString(dir.resolve("s6.py"), """
                import os, sys, time
                while not os.path.exists(sys.argv[1]):
                    time.sleep(0.02)
                os.write(3, b"up\\n")
                time.sleep(1000)
                """);
        String wait = "while [ ! -f %s/go-$0 ]; do sleep 0.02; done; ".formatted(dir);
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                kinesin:
                  shutdown: { timeout: 2s }
                services:
                  sd:
                    command: [sh, -c, 'systemd-notify --status="warming up"; %1$s systemd-notify --ready --status=serving; echo sd notified; exec sleep 1000', sd]
                    ready: { notify: systemd, timeout: 60s }
                  after-sd:
                    depends-on: { sd: ready }
                    command: [sh, -c, 'echo after-sd started; exec sleep 1000']
                  sd-user:
                    user: %2$s
                    command: [sh, -c, '%1$s systemd-notify --ready; exec sleep 1000', sd-user]
                    ready: { notify: systemd }
                  s6:
                    command: [python3, '%3$s/s6.py', '%3$s/go-s6']
                    ready: { notify: fd }
                  acker:
                    replicas: 2
                    command: [sh, -c, '%1$s printf "{\\"action\\":\\"ack\\",\\"id\\":\\"%%s\\"}\\n" "$KINESIN_WORKER_ID" >&$KINESIN_STATUS_FD; exec sleep 1000', acker]
                    ready: { notify: ack, timeout: 60s }
                  ack-bare:
                    command: [sh, -c, '%1$s printf "{\\"action\\": \\"ack\\", \\"id\\": \\"%%s\\"}" "$KINESIN_WORKER_ID" >&$KINESIN_STATUS_FD; exec sleep 1000', ack-bare]
                    ready: { notify: ack }
                  logready:
                    command: [sh, -c, 'echo booting; %1$s echo "listening on port 8080"; exec sleep 1000', logready]
                    ready: { notify: log, pattern: 'listening on port \\d+' }
                  starved:
                    essential: false
                    restart: always
                    backoff: { initial: 100ms, max: 100ms }
                    command: [sh, -c, 'echo "pid=$$ watchdog_pid=$WATCHDOG_PID usec=$WATCHDOG_USEC"; systemd-notify --ready; for i in 1 2 3; do systemd-notify WATCHDOG=1; sleep 0.2; done; exec sleep 1000']
                    ready: { notify: systemd, watchdog: 1s }
                  never:
                    essential: false
                    restart: always
                    backoff: { initial: 100ms, max: 100ms }
                    crash-loop: { deaths: 2, within: 60s }
                    command: [sleep, "1000"]
                    ready: { notify: systemd, timeout: 1s }
                """.formatted(wait, Users.TEST_USER, dir));
        Path socket = dir.resolve("control.sock");
        query = new StatusQuery(socket);
        kinesin = Kinesin.args("run", "--control", socket.toString(), config.toString()).start();
        Eventually.until("kinesin serves its socket", () -> query.pid("sd", 0) > 0);
    }

    @AfterAll
    static void stop() throws Exception {
        if (kinesin != null) {
            Kinesin.Result r = kinesin.stopCleanly();
            assertThat(r.stderr()).doesNotContain("level=error");
        }
        Kinesin.deleteTree(dir);
    }

    private static void go(String service) throws Exception {
        Files.writeString(dir.resolve("go-" + service), "");
    }

    private static String stderr() {
        return kinesin.stderrNow();
    }

    @Test
    void systemdNotifyStatusThenReadyAndTheDependentWaitsForTheRealReady() throws Exception {
        Eventually.until("sd's STATUS= is in status", () -> "warming up".equals(query.instance("sd", 0).path("notify_status").asText()));
        JsonNode sd = query.instance("sd", 0);
        assertThat(sd.path("state").asText()).isEqualTo("running");
        assertThat(sd.path("ready").asBoolean()).isFalse();
        assertThat(query.state("after-sd", 0)).as("depends-on: { sd: ready }").isEqualTo("starting");

        // a message from outside the instance, on its very socket, is ignored
        int pid = sd.path("pid").asInt();
        String socket = environ(pid, "NOTIFY_SOCKET");
        assertThat(Path.of(socket)).exists();
        Process forged = new ProcessBuilder("env", "NOTIFY_SOCKET=" + socket, "systemd-notify", "--ready").inheritIO().start();
        assertThat(forged.waitFor(10, TimeUnit.SECONDS)).as("systemd-notify returns (its BARRIER fd is closed)").isTrue();
        Eventually.until("the outsider is named in a warning", () -> stderr().contains("msg=\"sd_notify message from outside the instance; ignored\" service=sd "));
        assertThat(query.state("sd", 0)).isEqualTo("running");

        go("sd");
        Eventually.until("sd is ready", () -> query.state("sd", 0).equals("ready"));
        Eventually.until("after-sd runs", () -> query.pid("after-sd", 0) > 0);
        assertThat(query.instance("sd", 0).path("notify_status").asText()).isEqualTo("serving");
        Eventually.until("systemd-notify --ready returned", () -> stdout().contains("sd | sd notified"));
        assertThat(stderr()).containsPattern("msg=ready service=sd instance=0 pid=" + pid + " after=");
    }

    @Test
    void aServiceOfAnotherUserCanSendToItsSocket() throws Exception {
        assertThat(query.state("sd-user", 0)).isEqualTo("running");
        int pid = query.pid("sd-user", 0);
        Path socket = Path.of(environ(pid, "NOTIFY_SOCKET"));
        assertThat(Files.getAttribute(socket, "unix:uid")).isNotEqualTo(0);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx--x--x");
        go("sd-user");
        Eventually.until("sd-user is ready", () -> query.state("sd-user", 0).equals("ready"));
    }

    @Test
    void aPythonChildSpeakingTheS6FdProtocol() throws Exception {
        assertThat(query.state("s6", 0)).isEqualTo("running");
        go("s6");
        Eventually.until("s6 is ready", () -> query.state("s6", 0).equals("ready"));
    }

    @Test
    void eachReplicaAcksWithItsOwnWorkerId() throws Exception {
        assertThat(query.state("acker", 0)).isEqualTo("running");
        assertThat(environ(query.pid("acker", 1), "KINESIN_WORKER_ID")).isEqualTo("acker.1");
        go("acker");
        Eventually.until("both ackers are ready", () -> query.state("acker", 0).equals("ready") && query.state("acker", 1).equals("ready"));
    }

    @Test
    void anAckWithoutItsNewlineCountsToo() throws Exception {
        assertThat(query.state("ack-bare", 0)).isEqualTo("running");
        go("ack-bare");
        Eventually.until("ack-bare is ready", () -> query.state("ack-bare", 0).equals("ready"));
    }

    @Test
    void aLogLineThatMatchesThePattern() throws Exception {
        Eventually.until("logready booted", () -> stdout().contains("logready | booting"));
        assertThat(query.state("logready", 0)).isEqualTo("running");
        go("logready");
        Eventually.until("logready is ready", () -> query.state("logready", 0).equals("ready"));
    }

    @Test
    void aChildThatStopsFeedingItsWatchdogIsRestartedAndHadWatchdogPidAndUsec() throws Exception {
        Eventually.until("starved was restarted for its watchdog", () -> query.instance("starved", 0).path("restarts").asInt() >= 1);
        assertThat(stderr()).contains("msg=\"broken; stopping it\" service=starved instance=0")
                .contains("reason=\"no WATCHDOG=1 within 1s\"");
        String line = stdout().lines().filter(l -> l.startsWith("starved | pid=")).findFirst().orElseThrow();
        String pid = line.replaceAll(".*pid=(\\d+) .*", "$1");
        assertThat(line).isEqualTo("starved | pid=" + pid + " watchdog_pid=" + pid + " usec=1000000");
    }

    @Test
    void aChildThatIsNeverReadyIsKilledAtItsTimeoutRestartedAndFailsAfterTheCrashLoopLimit() throws Exception {
        Eventually.until("never is FAILED", Duration.ofSeconds(30), () -> query.state("never", 0).equals("failed"));
        JsonNode never = query.instance("never", 0);
        assertThat(never.path("restarts").asInt()).isEqualTo(2);
        assertThat(never.path("failure").asText()).isEqualTo("crash loop: 3 deaths within 1m (the last: not ready within 1s (notify: systemd))");
        assertThat(never.path("last_exit").path("signal").asText()).isEqualTo("TERM");
        // kinesin's own children: no zombie stays (a shell's short-lived child between its exit
        // and the shell's wait is the shell's), and no process of never's is left
        Procs.noZombieStaysUnder(kinesin.pid());
        assertThat(Procs.childrenOf(kinesin.pid())).noneMatch(s -> environ(s.pid(), "KINESIN_SERVICE").equals("never"));
        assertThat(kinesin.alive()).isTrue();
    }

    private static String stdout() {
        return kinesin.stdoutNow();
    }

    /** A variable of a live process's environment, "" if it has none. */
    private static String environ(int pid, String key) {
        try {
            for (String e : Files.readString(Path.of("/proc/" + pid + "/environ")).split("\0")) {
                if (e.startsWith(key + "=")) {
                    return e.substring(key.length() + 1);
                }
            }
        } catch (Exception e) {
            return "";
        }
        return "";
    }
}
