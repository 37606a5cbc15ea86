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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ruby-preload} launcher end to end (INTERFACE.md section 2, Launchers): a real Ruby
 * app that is slow to load and counts its loads, two workers forked from one preloader, acking
 * and writing to stdout. One kinesin serves the tests, in order: what a worker is, a killed
 * worker, a killed preloader, a worker whose run exits at once, a {@code kinesin restart} whose
 * load fails and one that succeeds, and the shutdown; then the sample.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RubyPreloadIT {

    private static Path dir;
    private static Path loads;
    private static Kinesin.Running kinesin;
    private static StatusQuery query;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "kinesin-ruby-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        loads = dir.resolve("web.loads");
        Path app = Files.createDirectory(dir.resolve("app"));
        Files.writeString(app.resolve("environment.rb"), """
                # slow to load, as an app with many gems: the preloader loads it once
                raise "the app is broken on purpose" if File.exist?(ENV.fetch("BROKEN"))
                File.open(ENV.fetch("LOADS"), "a") { |f| f.puts(Process.pid) }
                sleep 1
                require "json"

                module Worker
                  def self.run
                    $stdout.sync = true
                    me = "worker #{ENV.fetch('KINESIN_INSTANCE')} pid #{Process.pid}"
                    now = -> { Process.clock_gettime(Process::CLOCK_REALTIME, :nanosecond) }
                    trap("TERM") { puts "#{me} got TERM at #{now.call}"; exit 0 }
                    puts "#{me} acks at #{now.call}"
                    ack = IO.for_fd(Integer(ENV.fetch("KINESIN_STATUS_FD")), autoclose: false)
                    ack.write(JSON.generate("action" => "ack", "id" => ENV.fetch("KINESIN_WORKER_ID")) + "\\n")
                    ack.flush
                    puts "#{me} ready, KINESIN_SERVICE=#{ENV['KINESIN_SERVICE']} KINESIN_INSTANCE=#{ENV['KINESIN_INSTANCE']}"
                    sleep
                  end
                end
                """);
        Files.writeString(app.resolve("quitter.rb"), "File.open(ENV.fetch('LOADS'), 'a') { |f| f.puts(Process.pid) }\n");
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), """
                kinesin:
                  shutdown: { timeout: 5s }
                services:
                  web:
                    replicas: 2
                    workdir: app
                    env: { LOADS: %1$s/web.loads, BROKEN: %1$s/broken }
                    launcher: { type: ruby-preload, load: environment.rb, run: Worker.run, timeout: 30s }
                    ready: { notify: ack, timeout: 20s }
                    restart: always
                  quitter:
                    essential: false
                    restart: on-failure
                    backoff: { initial: 200ms, max: 200ms }
                    crash-loop: { deaths: 100000, within: 1s }
                    env: { LOADS: %1$s/quitter.loads }
                    launcher: { type: ruby-preload, load: app/quitter.rb, run: "exit 3" }
                """.formatted(dir));
        Path socket = dir.resolve("control.sock");
        query = new StatusQuery(socket);
        kinesin = Kinesin.args("run", "--control", socket.toString(), config.toString()).start();
        Eventually.until("both workers are ready", Duration.ofSeconds(30), () -> ready("web", 0) && ready("web", 1));
    }

    @AfterAll
    static void stop() throws Exception {
        if (kinesin != null && kinesin.alive()) {
            kinesin.signal(Signal.KILL);
            kinesin.await(Duration.ofSeconds(10));
        }
        Kinesin.deleteTree(dir);
    }

    @Test
    @Order(1)
    void workersAreKinesinsChildrenWithTheirInstancesEnvironmentAndOnlyTheirFds() throws Exception {
        assertThat(loadCount()).as("loads").isEqualTo(1);
        int preloader = preloader(0);
        assertThat(Procs.stat(preloader).ppid()).as("the preloader's parent").isEqualTo(kinesin.pid());
        assertThat(cmdline(preloader)).isEqualTo("kinesin-preload: web");
        for (int k = 0; k < 2; k++) {
            int n = k;
            int pid = query.pid("web", n);
            Procs.Stat stat = Procs.stat(pid);
            assertThat(stat.ppid()).as("web.%d's parent", n).isEqualTo(kinesin.pid());
            assertThat(stat.session()).as("a session of its own").isEqualTo(pid);
            // its environment as it sees it (ENV): /proc/PID/environ still shows the preloader's
            String line = "worker " + n + " pid " + pid + " ready, KINESIN_SERVICE=web KINESIN_INSTANCE=" + n;
            Eventually.until("web." + n + "'s line in kinesin's log", () -> kinesin.stdoutNow().contains("web." + n + " | " + line));
            Map<Integer, String> fds = fds(pid);
            assertThat(fds.keySet()).as("%s", fds).containsAll(List.of(0, 1, 2, 3));
            assertThat(fds.get(0)).isEqualTo("/dev/null");
            assertThat(fds.get(1)).startsWith("pipe:");
            assertThat(fds.get(2)).startsWith("pipe:");
            assertThat(fds.get(3)).as("the ack socket").startsWith("socket:");
            fds.keySet().removeAll(List.of(0, 1, 2, 3));
            assertThat(fds.values()).as("besides 0-3 only Ruby's own eventfds").allMatch("anon_inode:[eventfd]"::equals);
        }
    }

    @Test
    @Order(2)
    void aKilledWorkerIsForkedAgainWithoutALoad() throws Exception {
        int old = query.pid("web", 0);
        Processes.kill(old, Signal.KILL, false);
        Eventually.until("web.0 is ready again", () -> query.pid("web", 0) != old && ready("web", 0));
        int fresh = query.pid("web", 0);
        assertThat(Procs.stat(fresh).ppid()).isEqualTo(kinesin.pid());
        assertThat(loadCount()).as("loads").isEqualTo(1);
    }

    @Test
    @Order(3)
    void aKilledPreloaderIsStartedAgainAtOnceAndTheWorkersKeepRunning() throws Exception {
        int preloader = preloader(0);
        int web0 = query.pid("web", 0);
        int web1 = query.pid("web", 1);
        Processes.kill(preloader, Signal.KILL, false);
        Eventually.until("a fresh preloader loads the app", Duration.ofSeconds(15), () -> unchecked(() -> loadCount() == 2));
        int fresh = preloader(1);
        Eventually.until("the fresh preloader is running", () -> unchecked(() -> cmdline(fresh).startsWith("kinesin-preload: web")));
        assertThat(Procs.stat(fresh).ppid()).isEqualTo(kinesin.pid());
        assertThat(query.pid("web", 0)).as("web.0 kept its process").isEqualTo(web0);
        assertThat(query.pid("web", 1)).as("web.1 kept its process").isEqualTo(web1);
        assertThat(Procs.exists(web0) && Procs.exists(web1)).isTrue();
        // the next worker is forked from the fresh preloader, not booted
        Processes.kill(web1, Signal.KILL, false);
        Eventually.until("web.1 is ready again", () -> query.pid("web", 1) != web1 && ready("web", 1));
        assertThat(loadCount()).as("loads").isEqualTo(2);
    }

    @Test
    @Order(4)
    void aWorkerWhoseRunExitsAtOnceIsAccountedForAndRestarted() throws Exception {
        Eventually.until("quitter restarted twice", () -> query.instance("quitter", 0).path("restarts").asInt() >= 2);
        JsonNode quitter = query.instance("quitter", 0);
        assertThat(quitter.path("last_exit").path("code").asInt()).as("%s", quitter).isEqualTo(3);
        assertThat(Files.readAllLines(dir.resolve("quitter.loads"))).as("quitter's loads").hasSize(1);
    }

    @Test
    @Order(5)
    void aRestartWhoseLoadFailsLeavesTheWorkersAndThePreloader() throws Exception {
        int web0 = query.pid("web", 0);
        int web1 = query.pid("web", 1);
        int preloader = preloader(1);
        Path broken = Files.createFile(dir.resolve("broken"));
        Kinesin.Result r;
        try {
            r = query.ctl("restart", "web");
        } finally {
            Files.delete(broken);
        }
        assertThat(r.status()).as(r.toString()).isEqualTo(1);
        assertThat(r.stdout() + r.stderr()).contains("the app is broken on purpose (RuntimeError)");
        assertThat(List.of(query.pid("web", 0), query.pid("web", 1))).containsExactly(web0, web1);
        assertThat(Procs.exists(preloader)).as("the old preloader").isTrue();
        Processes.kill(web1, Signal.KILL, false);
        Eventually.until("web.1 is ready again", () -> query.pid("web", 1) != web1 && ready("web", 1));
        assertThat(loadCount()).as("loads: web.1 came from the old preloader").isEqualTo(2);
    }

    @Test
    @Order(6)
    void restartLoadsOnceMoreAndReplacesEveryWorker() throws Exception {
        int web0 = query.pid("web", 0);
        int web1 = query.pid("web", 1);
        int oldPreloader = preloader(1);
        Kinesin.Result r = query.ctl("restart", "web");
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(loadCount()).as("loads").isEqualTo(3);
        Eventually.until("both workers replaced and ready", () -> query.pid("web", 0) != web0 && query.pid("web", 1) != web1
                && ready("web", 0) && ready("web", 1));
        assertThat(r.stdout()).contains("pid " + query.pid("web", 0)).contains("pid " + query.pid("web", 1));
        Eventually.until("the old preloader is gone", () -> !Procs.exists(oldPreloader));
        Eventually.until("the old workers got TERM", () -> kinesin.stdoutNow().contains("worker 0 pid " + web0 + " got TERM")
                && kinesin.stdoutNow().contains("worker 1 pid " + web1 + " got TERM"));
        // one at a time: the new web.0 acked before the old web.1 was stopped (the workers' own clocks)
        String out = kinesin.stdoutNow();
        assertThat(at(out, "worker 1 pid " + web1 + " got TERM at ")).as("old web.1 stopped after the new web.0 acked")
                .isGreaterThan(at(out, "worker 0 pid " + query.pid("web", 0) + " acks at "));
        assertThat(at(out, "worker 1 pid " + query.pid("web", 1) + " acks at ")).as("the new web.1 started after the old one stopped")
                .isGreaterThan(at(out, "worker 1 pid " + web1 + " got TERM at "));
    }

    /** The time a worker printed after {@code prefix}. */
    private static long at(String out, String prefix) {
        int k = out.indexOf(prefix);
        assertThat(k).as("%s in %s", prefix, out).isNotNegative();
        int from = k + prefix.length();
        int to = from;
        while (to < out.length() && Character.isDigit(out.charAt(to))) {
            to++;
        }
        return Long.parseLong(out.substring(from, to));
    }

    @Test
    @Order(7)
    void sigtermStopsTheWorkersAndLeavesNoProcess() throws Exception {
        int web0 = query.pid("web", 0);
        int web1 = query.pid("web", 1);
        List<Integer> before = Procs.descendantsOf(kinesin.pid()).stream().map(Procs.Stat::pid).toList();
        assertThat(before).contains(web0, web1, preloader(2));
        Kinesin.Result r = kinesin.stopCleanly();
        assertThat(r.stdout()).contains("worker 0 pid " + web0 + " got TERM").contains("worker 1 pid " + web1 + " got TERM");
        assertThat(before).allMatch(pid -> !Procs.exists(pid));
    }

    /** samples/ruby-preload as its README runs it: three workers of one preloader answer HTTP on one port. */
    @Test
    @Order(8)
    void theSampleServesFromThreeWorkersOfOnePreloader() throws Exception {
        int port = Http.freePort();
        Path socket = dir.resolve("sample.sock");
        StatusQuery sample = new StatusQuery(socket);
        Kinesin.Running running = Kinesin.args("run", "--control", socket.toString(), Samples.config("ruby-preload"))
                .env("PORT", String.valueOf(port)).env("BOOT_SECONDS", "0.2").start();
        try {
            Eventually.until("three workers are ready", Duration.ofSeconds(30),
                    () -> sample.state("web", 0).equals("ready") && sample.state("web", 1).equals("ready")
                            && sample.state("web", 2).equals("ready"));
            Http http = new Http(port);
            String body = http.get("/").body();
            assertThat(body).matches("hello from worker [0-2] \\(pid \\d+, forked from \\d+\\)\n");
            String preloader = body.substring(body.indexOf("forked from ") + 12, body.indexOf(')'));
            for (int n = 0; n < 3; n++) {
                assertThat(running.stdoutNow()).contains("web." + n + " | worker " + n + " (pid " + sample.pid("web", n)
                        + ", forked from " + preloader + "): listening on 127.0.0.1:" + port);
            }
        } finally {
            Kinesin.Result r = running.stopCleanly();
            assertThat(r.stdout()).contains("TERM, bye");
        }
    }

    private static boolean ready(String service, int n) {
        return query.state(service, n).equals("ready");
    }

    private interface Check {
        boolean test() throws IOException;
    }

    /** A check that reads /proc or a file: one that cannot be read (yet, or any more) is false. */
    private static boolean unchecked(Check check) {
        try {
            return check.test();
        } catch (IOException e) {
            return false;
        }
    }

    private static long loadCount() throws IOException {
        return Files.readAllLines(loads).size();
    }

    /** The pid of the web preloader that loaded the app the {@code k}th time (0: the first). */
    private static int preloader(int k) throws IOException {
        return Integer.parseInt(Files.readAllLines(loads).get(k).strip());
    }

    private static String cmdline(int pid) throws IOException {
        return new String(Files.readAllBytes(Path.of("/proc/" + pid + "/cmdline")), StandardCharsets.UTF_8).replace('\0', ' ').strip();
    }

    /** A process's open fds and what each is ({@code pipe:[..]}, {@code socket:[..]}, a path). */
    private static Map<Integer, String> fds(int pid) throws IOException {
        Map<Integer, String> fds = new TreeMap<>();
        try (Stream<Path> list = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : list.toList()) {
                fds.put(Integer.parseInt(fd.getFileName().toString()), Files.readSymbolicLink(fd).toString());
            }
        }
        return fds;
    }
}
