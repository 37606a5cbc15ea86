package io.kinesin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kinesin.spi.Signal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kinesin status|restart|stop|start|signal|logs} against a real {@code kinesin run}
 * (INTERFACE.md section 5). One kinesin serves most tests; those about the socket's path start
 * their own.
 */
class ControlIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path dir;
    private static Path socket;
    private static Kinesin.Running kinesin;
    private static StatusQuery query;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "kinesin-control-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        socket = dir.resolve("run/control.sock");
        query = new StatusQuery(socket);
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                kinesin:
                  shutdown: { timeout: 2s }
                services:
                  web:
                    command: [sh, -c, 'trap "echo web $$ got TERM; exit 0" TERM; echo "web $$ up"; while :; do sleep 0.1; done']
                  worker:
                    replicas: 2
                    command: [sh, -c, 'trap "echo worker $KINESIN_INSTANCE got HUP" HUP; echo "worker $KINESIN_INSTANCE up"; while :; do sleep 0.1; done']
                  flaky:
                    essential: false
                    restart: always
                    backoff: { initial: 50ms, max: 100ms }
                    crash-loop: { deaths: 100000, within: 1s }
                    command: [sh, -c, 'echo flaky crashes; exit 1']
                  logger:
                    command: [sh, -c, 'echo logger up; while :; do if [ -f %1$s/go ]; then echo "late line $(cat %1$s/go)"; rm %1$s/go; fi; sleep 0.05; done']
                """.formatted(dir));
        kinesin = Kinesin.args("run", "--control", socket.toString(), config.toString()).start();
        Eventually.until("kinesin serves its socket and web runs", () -> pid("web", 0) > 0 && pid("worker", 1) > 0);
    }

    @AfterAll
    static void stop() throws Exception {
        if (kinesin != null) {
            kinesin.signal(Signal.TERM);
            kinesin.await(Duration.ofSeconds(30));
            assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).as("the socket is removed at exit").isFalse();
        }
        Kinesin.deleteTree(dir);
    }

    private static Kinesin.Result ctl(String... args) throws Exception {
        return query.ctl(args);
    }

    private static JsonNode instance(String service, int n) {
        return query.instance(service, n);
    }

    private static int pid(String service, int n) {
        return query.pid(service, n);
    }

    @Test
    void theSocketIsMode0600InADirectoryKinesinMadeAndOwnedByItsUser() throws Exception {
        assertThat(Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0140600);
        assertThat(Files.getAttribute(socket, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(0);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
    }

    @Test
    void statusPrintsAlignedColumnsAndJsonOfTheStatusShape() throws Exception {
        Kinesin.Result r = ctl("status");
        assertThat(r.status()).as(r.toString()).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(lines.getFirst()).startsWith("SERVICE").contains("INSTANCE", "STATE", "PID", "UPTIME", "RESTARTS", "LAST EXIT",
                "READY", "HEALTH");
        int stateColumn = lines.getFirst().indexOf("STATE");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("worker").contains(" 1 "));
        assertThat(lines.stream().skip(1)).allSatisfy(l -> assertThat(l.charAt(stateColumn - 1)).isEqualTo(' '));
        JsonNode json = JSON.readTree(ctl("status", "--json").stdout());
        assertThat(json.path("kinesin").path("pid").asInt()).isEqualTo(kinesin.pid());
        assertThat(json.path("kinesin").has("uptime_seconds")).isTrue();
        JsonNode web = json.path("services").path("web").path("instances").path(0);
        assertThat(web.path("state").asText()).isEqualTo("ready");
        for (String field : List.of("instance", "state", "pid", "started_at", "restarts", "last_exit", "ready", "notify_status", "health")) {
            assertThat(web.has(field)).as(field).isTrue();
        }
    }

    @Test
    void restartGivesANewPidAndTheOldOneGotTheStopLadder() throws Exception {
        int old = pid("web", 0);
        Kinesin.Result r = ctl("restart", "web");
        assertThat(r.status()).as(r.toString()).isZero();
        int fresh = pid("web", 0);
        assertThat(fresh).isPositive().isNotEqualTo(old);
        assertThat(r.stdout()).contains("web: restarted, pid " + fresh + " (was " + old + ": sent SIGTERM; it exited with code 0)");
        Eventually.until("the old web said it got TERM", () -> stdout().contains("web | web " + old + " got TERM"));
        assertThat(instance("web", 0).path("state").asText()).isEqualTo("ready");
        assertThat(kinesin.alive()).isTrue();
    }

    @Test
    void stopHoldsACrashLoopingServiceDownAndStartBringsItBack() throws Exception {
        Eventually.until("flaky crash-loops", () -> instance("flaky", 0).path("restarts").asInt() > 2);
        Kinesin.Result stop = ctl("stop", "flaky");
        assertThat(stop.status()).as(stop.toString()).isZero();
        assertThat(stop.stdout()).contains("flaky: ", "held down");
        JsonNode held = instance("flaky", 0);
        assertThat(held.path("state").asText()).isEqualTo("exited");
        assertThat(held.path("held").asBoolean()).isTrue();
        int restarts = held.path("restarts").asInt();
        long crashes = stdout().lines().filter(l -> l.equals("flaky | flaky crashes")).count();
        // held: for a while (its backoff is 50-100ms), nothing starts it again
        long until = System.nanoTime() + Duration.ofMillis(1500).toNanos();
        while (System.nanoTime() < until) {
            assertThat(instance("flaky", 0).path("restarts").asInt()).isEqualTo(restarts);
            Thread.sleep(100);
        }
        assertThat(stdout().lines().filter(l -> l.equals("flaky | flaky crashes")).count()).isEqualTo(crashes);
        assertThat(ctl("status").stdout()).containsPattern("flaky +0 +exited .*held down");

        Kinesin.Result start = ctl("start", "flaky");
        assertThat(start.status()).as(start.toString()).isIn(0, 1); // it may crash before it is answered
        assertThat(start.stdout() + start.stderr()).contains("flaky: ");
        Eventually.until("flaky crashes again", () -> stdout().lines().filter(l -> l.equals("flaky | flaky crashes")).count() > crashes);
        assertThat(instance("flaky", 0).path("held").asBoolean()).isFalse();
    }

    @Test
    void aHeldEssentialServiceDoesNotStopTheContainer() throws Exception {
        int old = pid("web", 0);
        Kinesin.Result stop = ctl("stop", "web");
        assertThat(stop.status()).as(stop.toString()).isZero();
        assertThat(stop.stdout()).isEqualTo("web: stopped (pid " + old + ": sent SIGTERM; it exited with code 0); held down\n");
        assertThat(instance("web", 0).path("held").asBoolean()).isTrue();
        assertThat(kinesin.alive()).isTrue();
        assertThat(ctl("stop", "web").stdout()).isEqualTo("web: already stopped\n");
        Kinesin.Result start = ctl("start", "web");
        assertThat(start.status()).as(start.toString()).isZero();
        assertThat(start.stdout()).isEqualTo("web: started, pid " + pid("web", 0) + "\n");
        assertThat(kinesin.alive()).isTrue();
    }

    @Test
    void signalReachesTheNamedInstanceOnly() throws Exception {
        Kinesin.Result r = ctl("signal", "HUP", "worker.1");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.stdout()).startsWith("worker.1: sent SIGHUP to pid " + pid("worker", 1));
        Eventually.until("worker 1 got HUP", () -> stdout().contains("worker.1 | worker 1 got HUP"));
        assertThat(stdout()).doesNotContain("worker 0 got HUP");
        assertThat(instance("worker", 0).path("state").asText()).isEqualTo("ready");
    }

    @Test
    void logsShowsRecentLinesAndFollowShowsLinesWrittenAfterItStarted() throws Exception {
        Eventually.until("the logger's first line is held", () -> {
            try {
                return ctl("logs", "-n", "5", "logger").stdout().contains("logger | logger up");
            } catch (Exception e) {
                return false;
            }
        });
        Path followed = dir.resolve("followed-" + UUID.randomUUID());
        Kinesin.Running follow = Kinesin.command(List.of("sh", "-c", "exec \"$0\" logs -f logger --control \"$1\" > \"$2\"",
                Kinesin.BIN.toString(), socket.toString(), followed.toString())).start();
        try {
            Eventually.until("the follower printed the recent lines", () -> read(followed).contains("logger | logger up"));
            String token = UUID.randomUUID().toString();
            Files.writeString(dir.resolve("go.tmp"), token);
            Files.move(dir.resolve("go.tmp"), dir.resolve("go"));
            Eventually.until("the follower shows a line written after it started", () -> read(followed).contains("logger | late line " + token));
            assertThat(read(followed)).doesNotContain("web |", "worker");
        } finally {
            follow.process.destroy();
        }
        Kinesin.Result unknown = ctl("logs", "nosuch");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("no service \"nosuch\"");
    }

    @Test
    void aUserOtherThanRootAndKinesinsOwnIsRefused() throws Exception {
        Users.ensureTestUser();
        Kinesin.Result denied = asTestUser("status");
        assertThat(denied.status()).as(denied.toString()).isEqualTo(1);
        assertThat(denied.stderr().lines()).hasSize(1);
        assertThat(denied.stdout()).isEmpty();
        // even through a socket it could open, the peer check refuses it
        Path open = socket.getParent();
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw-rw-"));
        try {
            Kinesin.Result refused = asTestUser("stop", "web");
            assertThat(refused.status()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.stderr()).contains("serves root and the user kinesin runs as only");
            assertThat(instance("web", 0).path("state").asText()).isEqualTo("ready");
        } finally {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwx------"));
        }
    }

    private static Kinesin.Result asTestUser(String... args) throws Exception {
        List<String> c = new ArrayList<>(List.of("setpriv", "--reuid=" + Users.TEST_USER, "--regid=nogroup", "--clear-groups", "--",
                Kinesin.BIN.toString()));
        c.addAll(List.of(args));
        c.addAll(List.of("--control", socket.toString()));
        return Kinesin.command(c).cwd(Path.of("/")).run();
    }

    @Test
    void withoutARunningKinesinACommandSaysSoInOneLineAndExits1() throws Exception {
        Kinesin.Result r = Kinesin.args("status", "--control", dir.resolve("nobody-here.sock").toString()).run();
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.stderr().lines()).hasSize(1).first().asString().contains("no running kinesin");
    }

    @Test
    void aSecondKinesinOnTheSamePathIsAnErrorAndStartsNothing() throws Exception {
        Path marker = dir.resolve("second-started");
        Path config = Files.writeString(dir.resolve("second.yaml"), """
                services:
                  s: { command: [touch, "%s"] }
                """.formatted(marker));
        Kinesin.Result r = Kinesin.args("run", "--control", socket.toString(), config.toString()).run();
        assertThat(r.status()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).contains("another kinesin serves it");
        assertThat(marker).doesNotExist();
        assertThat(ctl("status").status()).as("the first still serves").isZero();
    }

    @Test
    void aStaleSocketIsReplacedAndASymlinkIsNeverFollowed() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other"));
        Path stale = other.resolve("stale.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(stale)); // closed without unlinking: a dead kinesin's socket
        }
        Path config = Files.writeString(dir.resolve("sleeper.yaml"), """
                services:
                  sleeper: { command: [sleep, "1000"] }
                """);
        Kinesin.Running second = Kinesin.args("run", "--control", stale.toString(), config.toString()).start();
        try {
            Eventually.until("the second kinesin serves the replaced socket", () -> {
                try {
                    return Kinesin.args("status", "--control", stale.toString()).run().stdout().contains("sleeper");
                } catch (Exception e) {
                    return false;
                }
            });
        } finally {
            second.signal(Signal.TERM);
            assertThat(second.await(Duration.ofSeconds(30)).status()).isZero();
        }

        Path target = Files.writeString(other.resolve("precious"), "keep me\n");
        Path link = Files.createSymbolicLink(other.resolve("link.sock"), target);
        Kinesin.Result r = Kinesin.args("run", "--control", link.toString(), config.toString()).run();
        assertThat(r.status()).as(r.toString()).isEqualTo(2);
        assertThat(r.stderr()).contains("symbolic link");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(target)).isEqualTo("keep me\n");
    }

    @Test
    void unknownServicesAndBadUsageExit2() throws Exception {
        Kinesin.Result unknown = ctl("restart", "wbe");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("no service \"wbe\"", "web");
        Kinesin.Result noTarget = ctl("stop");
        assertThat(noTarget.status()).isEqualTo(2);
        Kinesin.Result badSignal = ctl("signal", "NOPE", "web");
        assertThat(badSignal.status()).isEqualTo(2);
    }

    private static String stdout() {
        try {
            return kinesin.stdoutSoFar();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (Exception e) {
            return "";
        }
    }
}
