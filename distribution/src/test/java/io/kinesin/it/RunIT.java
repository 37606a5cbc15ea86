package io.kinesin.it;

import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kinesin run} on the configs in samples/, as a user runs them (INTERFACE.md section 2). */
class RunIT {

    @Test
    void theQuickstartRunsAndEndsWithItsJob() throws Exception {
        Kinesin.Result r = Kinesin.args("run", Samples.config("quickstart")).run();
        assertThat(r.status()).as(r.toString()).isZero();
        List<String> out = r.stdout().lines().toList();
        assertThat(out).contains("migrate | schema up to date", "worker.0 | worker 0 ready", "worker.1 | worker 1 ready",
                "job | job: done", "web | web: got SIGTERM, finishing requests");
        assertThat(out.indexOf("migrate | schema up to date")).as("web waits for the migration")
                .isLessThan(out.indexOf("web | web: served request 1"));
        assertThat(r.stderr()).as("log level warn: quiet").isEmpty();
    }

    @Test
    void aCrashLoopingServiceEndsFailedAndTheContainerExitsWithItsStatus() throws Exception {
        Kinesin.Result r = Kinesin.args("run", Samples.config("crash-loop")).run();
        assertThat(r.status()).as(r.toString()).isEqualTo(3);
        List<Map<String, String>> spawned = LogLines.events(r.stderr(), "spawned", "flaky");
        assertThat(spawned).as("first start and 4 restarts").hasSize(5);
        long[] delays = {200, 400, 800, 800};
        // kinesin's own timestamps: each restart waited at least its backoff (how much longer a
        // loaded machine takes is the restart benchmark's business, not a test's)
        for (int i = 0; i < delays.length; i++) {
            Duration gap = LogLines.between(spawned.get(i), spawned.get(i + 1));
            assertThat(gap).as("restart %d after %s", i + 1, gap).isGreaterThanOrEqualTo(Duration.ofMillis(delays[i]));
        }
        assertThat(LogLines.events(r.stderr(), "restarting", "flaky")).extracting(l -> l.get("delay"))
                .containsExactly("200ms", "400ms", "800ms", "800ms");
        Map<String, String> failed = LogLines.events(r.stderr(), "failed", "flaky").getFirst();
        assertThat(failed.get("reason")).isEqualTo("crash loop: 5 deaths within 1m");
        assertThat(failed.get("level")).isEqualTo("warn");
        assertThat(r.stdout()).contains("flaky | starting, then failing");
    }

    @Test
    void aOneShotTaskGatesItsDependents() throws Exception {
        Kinesin.Running k = Kinesin.args("run", Samples.config("init-task")).start();
        Eventually.until("app started", () -> stdout(k).contains("app | app started after the migration"));
        List<String> out = stdout(k).lines().toList();
        assertThat(out.indexOf("migrate | migrating")).isLessThan(out.indexOf("app | app started after the migration"));
        k.signal(Signal.TERM);
        Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT);
        assertThat(r.status()).isZero();
        List<Map<String, String>> log = LogLines.parse(r.stderr());
        int migrateExit = indexOf(log, "exited", "migrate");
        int appSpawn = indexOf(log, "spawned", "app");
        assertThat(migrateExit).as("app spawned only after migrate exited").isLessThan(appSpawn).isNotNegative();
    }

    @Test
    void aFailedOneShotTaskStopsTheContainerWithItsStatusAndItsDependentsNeverStart() throws Exception {
        Kinesin.Result r = Kinesin.args("run", Samples.config("init-task")).env("MIGRATE_EXIT", "4").run();
        assertThat(r.status()).as(r.toString()).isEqualTo(4);
        assertThat(r.stdout()).contains("migrate | migrating").doesNotContain("app |");
        assertThat(LogLines.events(r.stderr(), "spawned", "app")).isEmpty();
        assertThat(LogLines.events(r.stderr(), "failed", "app").getFirst().get("reason")).isEqualTo("dependency migrate failed");
    }

    @Test
    void replicasAllRunEachWithItsNumber() throws Exception {
        Kinesin.Running k = Kinesin.args("run", Samples.config("replicas")).start();
        Eventually.until("three workers report", () -> stdout(k).lines().count() == 3);
        assertThat(stdout(k).lines()).containsExactlyInAnyOrder("worker.0 | I am worker number 0",
                "worker.1 | I am worker number 1", "worker.2 | I am worker number 2");
        List<Procs.Stat> workers = Procs.childrenOf(k.pid());
        assertThat(workers).hasSize(3).allMatch(s -> s.comm().equals("sleep"));
        // a replacement keeps its number
        io.kinesin.kernel.process.Processes.kill(workers.get(1).pid(), Signal.KILL, false);
        Eventually.until("replacement reports", () -> stdout(k).lines().count() == 4);
        String replacement = stdout(k).lines().toList().get(3);
        assertThat(List.of("worker.0 | I am worker number 0", "worker.1 | I am worker number 1", "worker.2 | I am worker number 2"))
                .contains(replacement);
        Eventually.until("three again", () -> Procs.childrenOf(k.pid()).size() == 3);
        k.signal(Signal.TERM);
        assertThat(k.await(Kinesin.DEFAULT_TIMEOUT).status()).isZero();
    }

    @Test
    void shutdownStopsDependentsFirst() throws Exception {
        Kinesin.Running k = Kinesin.args("run", Samples.config("shutdown-order")).start();
        Eventually.until("all up", () -> stdout(k).contains("proxy | proxy up") && stdout(k).contains("app | app up")
                && stdout(k).contains("db | db up"));
        k.signal(Signal.TERM);
        Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT);
        assertThat(r.status()).isZero();
        assertThat(r.stdout().lines().filter(l -> l.endsWith("stopping")))
                .containsExactly("proxy | proxy stopping", "app | app stopping", "db | db stopping");
    }

    @Test
    void theOriginalKinesinTomlRunsUnchanged() throws Exception {
        // must_be_up = true: ping's end (after six pings) stops the container
        Kinesin.Result fatal = Kinesin.args("run", Samples.config("pingpong")).env("PING_INTERVAL", "0.05").run();
        assertThat(fatal.status()).as(fatal.toString()).isZero();
        assertThat(fatal.stdout().lines().filter("ping"::equals)).hasSize(6);
        assertThat(fatal.stdout().lines()).as("raw, as the original wrote them").allMatch(l -> l.equals("ping") || l.equals("pong"));
        assertThat(LogLines.events(fatal.stderr(), "shutting down", null).getFirst().get("reason")).isEqualTo("ping ended");

        // must_be_up = false: pong keeps going after ping has ended
        Kinesin.Running k = Kinesin.args("run", Samples.DIR.resolve("pingpong/nonfatal.toml").toString()).env("PING_INTERVAL", "0.05").start();
        Eventually.until("ping ended", () -> LogLines.events(errors(k), "exited", "ping").size() == 1);
        long pongs = stdout(k).lines().filter("pong"::equals).count();
        Eventually.until("pong goes on", () -> stdout(k).lines().filter("pong"::equals).count() > pongs + 3);
        assertThat(k.alive()).isTrue();
        k.signal(Signal.TERM);
        Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT);
        assertThat(r.status()).isZero();
        assertThat(r.stdout().lines().filter("ping"::equals)).hasSize(6);
    }

    @Test
    void aBadConfigIsOneErrorLineAndExit2WithNothingStarted(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("started");
        Path config = dir.resolve("kinesin.yaml");
        Files.writeString(config, """
                services:
                  first:
                    command: [touch, %s]
                  web:
                    command: [sleep, "1"]
                    restart: sometimes
                """.formatted(marker));
        Kinesin.Result r = Kinesin.args("run", config.toString()).run();
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.stderr()).isEqualTo("services.web.restart: unknown policy \"sometimes\"; expected no, on-failure, always\n");
        assertThat(r.stdout()).isEmpty();
        assertThat(marker).doesNotExist();

        Files.writeString(config, """
                services:
                  web:
                    command: [sleep, "1"]
                    restrat: always
                """);
        Kinesin.Result typo = Kinesin.args("check", config.toString()).run();
        assertThat(typo.status()).isEqualTo(2);
        assertThat(typo.stderr()).isEqualTo("services.web.restrat: unknown key; did you mean \"restart\"?\n");

        Files.writeString(config, """
                services:
                  web:
                    command: [/usr/bin/no-such-program-kinesin]
                """);
        Kinesin.Result missing = Kinesin.args("run", config.toString()).run();
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.stderr()).isEqualTo("services.web.command: \"/usr/bin/no-such-program-kinesin\" not found (ENOENT)\n");
    }

    @Test
    void checkPrintsTheNormalizedConfigAndExits0() throws Exception {
        Kinesin.Result r = Kinesin.args("check", Samples.config("replicas")).run();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("replicas: 3", "restart: always", "essential: true", "initial: 100ms",
                "reset-after: 1m", "deaths: 5", "stdin: \"null\"", "- console", "- TERM", "- KILL", "timeout: 10s");
        assertThat(r.stderr()).isEmpty();
        Kinesin.Result legacy = Kinesin.args("check", Samples.config("pingpong")).run();
        assertThat(legacy.status()).isZero();
        assertThat(legacy.stdout()).contains("services.ping.essential = true", "services.ping.stdout.sinks = ['stdout']");
    }

    @Test
    void theConfigIsFoundByDefault(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("kinesin.toml"), """
                [services.hello]
                command = ["echo", "from toml"]
                """);
        Kinesin.Result r = Kinesin.args("run").cwd(dir).run();
        assertThat(r.stdout()).as(r.toString()).isEqualTo("hello | from toml\n");
        Path json = Files.writeString(dir.resolve("other.json"), """
                {"services": {"hi": {"command": ["echo", "from json"]}}}
                """);
        Kinesin.Result viaEnv = Kinesin.args("run").cwd(dir).env("KINESIN_CONFIG", json.toString()).run();
        assertThat(viaEnv.stdout()).isEqualTo("hi | from json\n");
        Kinesin.Result none = Kinesin.args("run").cwd(dir.resolve("..").normalize()).withoutEnv("KINESIN_CONFIG").run();
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.stderr()).contains("no config file");
    }

    private static int indexOf(List<Map<String, String>> log, String msg, String service) {
        for (int i = 0; i < log.size(); i++) {
            if (msg.equals(log.get(i).get("msg")) && service.equals(log.get(i).get("service"))) {
                return i;
            }
        }
        return -1;
    }

    static String stdout(Kinesin.Running k) {
        try {
            return k.stdoutSoFar();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String errors(Kinesin.Running k) {
        try {
            return k.stderrSoFar();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
