package io.kinesin.preload;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Ruby preloader (the jar's preloader.rb) driven as the plugin drives it, by a real Ruby
 * subreaper playing kinesin ({@link Driver}): it loads the app once, forks workers that are the
 * subreaper's children with exactly the environment and fds they were sent, in their own
 * sessions, with default signal dispositions, and answers every request, errors included.
 */
class PreloaderProgramTest {

    @TempDir
    Path dir;

    private Driver driver;
    private final List<Long> workers = new ArrayList<>();
    private Map<String, String> base;

    @BeforeEach
    void start() throws Exception {
        Driver.copy("probe.rb", dir);
        base = new HashMap<>(Map.of("LOADS", dir.resolve("loads").toString(), "APPLOG", dir.resolve("app.log").toString(),
                "KINESIN_SERVICE", "web", "PATH", System.getenv("PATH"), "GONE_IN_WORKERS", "x"));
        driver = new Driver(dir);
    }

    @AfterEach
    void stop() throws Exception {
        workers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        driver.close();
    }

    @Test
    void loadsOnceAndForksWorkersThatAreTheSubreapersChildren() throws Exception {
        JsonNode started = start("probe.rb");
        assertThat(started.get("reply").asText()).isEqualTo("loaded");
        JsonNode me = driver.send(Map.of("op", "me"));
        long driverPid = me.get("pid").asLong();
        // the JVM's ProcessBuilder hands its children glibc's signals 32 and 33 ignored, which no
        // Ruby can change; the kernel's spawn does not. The driver starts the preloader with
        // WINCH ignored too: workers keep what was ignored at the start, as an exec'd ruby would.
        // The app's ignored HUP must not be inherited.
        String ignoredAtStart = me.get("sigign").asText();
        assertThat(Long.parseUnsignedLong(ignoredAtStart, 16) & (1L << (28 - 1))).as("SIGWINCH, which the driver left ignored")
                .isNotZero();
        assertThat(driver.send(Map.of("op", "ps", "pid", started.get("pid").asLong())).get("cmdline").asText())
                .isEqualTo("kinesin-preload: web");

        for (int instance = 0; instance < 2; instance++) {
            Map<String, String> env = instanceEnv(instance);
            long pid = fork(instance, env, "Probe.serve");
            assertThat(driver.send(Map.of("op", "ps", "pid", pid)).get("ppid").asLong()).as("the worker's parent, once its pid is told")
                    .isEqualTo(driverPid);

            JsonNode facts = Driver.JSON.readTree(driver.send(Map.of("op", "talk", "pid", pid)).get("line").asText());
            assertThat(driver.send(Map.of("op", "ps", "pid", pid)).get("cmdline").asText()).as("once it runs")
                    .isEqualTo("kinesin-worker: web." + instance);
            assertThat(facts.get("pid").asLong()).isEqualTo(pid);
            assertThat(facts.get("sid").asLong()).as("a session of its own").isEqualTo(pid);
            assertThat(facts.get("pgrp").asLong()).isEqualTo(pid);
            assertThat(Driver.JSON.convertValue(facts.get("env"), Map.class)).isEqualTo(env);
            assertThat(facts.get("sigign").asText()).as("no signal ignored but those ignored at the preloader's start")
                    .isEqualTo(ignoredAtStart);
            assertThat(facts.get("sigblk").asText()).as("no signal blocked").isEqualTo("0000000000000000");
            Map<Integer, String> fds = new TreeMap<>();
            facts.get("fds").fields().forEachRemaining(e -> fds.put(Integer.parseInt(e.getKey()), e.getValue().asText()));
            Map<Integer, String> others = new TreeMap<>(fds);
            others.keySet().removeAll(List.of(0, 1, 2, 3));
            assertThat(fds).containsEntry(0, "/dev/null").containsEntry(1, out(instance).toString())
                    .containsEntry(2, out(instance).toString());
            assertThat(fds.get(3)).startsWith("socket:[");
            assertThat(others.values()).as("besides 0-3 only Ruby's own eventfds: %s", fds).allMatch("anon_inode:[eventfd]"::equals);
            assertThat(facts.get("applog_closed").asBoolean()).as("the app's file, opened at load, is closed in the worker").isTrue();
        }
        assertThat(Files.readAllLines(dir.resolve("loads"))).as("loads").containsExactly(started.get("pid").asText());
        assertThat(Files.readString(dir.resolve("app.log"))).as("what the app buffered at load, written once")
                .isEqualTo("written at load\n");
    }

    @Test
    void workersEndAsRubyWould() throws Exception {
        start("probe.rb");
        long returns = fork(0, instanceEnv(0), "Probe.serve");
        long exits = fork(1, instanceEnv(1), "Probe.serve");
        long raises = fork(2, instanceEnv(2), "Probe.serve");
        long termed = fork(3, instanceEnv(3), "Probe.serve");
        for (long pid : List.of(returns, exits, raises, termed)) {
            driver.send(Map.of("op", "talk", "pid", pid)); // its facts: it is running
        }
        driver.send(Map.of("op", "talk", "pid", returns, "line", "nil"));
        driver.send(Map.of("op", "talk", "pid", exits, "line", "exit 3"));
        driver.send(Map.of("op", "talk", "pid", raises, "line", "raise 'boom'"));
        driver.send(Map.of("op", "signal", "pid", termed, "signal", "TERM")); // the app trapped TERM at load: not in a worker

        assertThat(driver.send(Map.of("op", "wait", "pid", returns)).toString()).isEqualTo("{\"code\":0}");
        assertThat(driver.send(Map.of("op", "wait", "pid", exits)).toString()).isEqualTo("{\"code\":3}");
        assertThat(driver.send(Map.of("op", "wait", "pid", raises)).toString()).isEqualTo("{\"code\":1}");
        assertThat(driver.send(Map.of("op", "wait", "pid", termed)).toString()).isEqualTo("{\"signal\":\"TERM\"}");
        String printed = Files.readString(out(2));
        assertThat(printed).contains("boom (RuntimeError)").contains("run:1:in `<main>'").doesNotContain("kinesin-preload");
    }

    @Test
    void theEnvironmentArrivesAsJavaHadIt() throws Exception {
        start("probe.rb");
        Map<String, String> env = instanceEnv(0);
        env.put("QUOTED", "a \"b\" \\c\nd\te\u0001");
        env.put("UNICODE", "caf\u00e9 \u2603 \ud83d\ude00");
        env.put("EMPTY", "");
        env.put("LONE", "x\ud800y");
        long pid = fork(0, env, "Probe.serve");
        JsonNode facts = Driver.JSON.readTree(driver.send(Map.of("op", "talk", "pid", pid)).get("line").asText());
        env.put("LONE", "x\ufffdy"); // no UTF-8 form: replaced
        assertThat(Driver.JSON.convertValue(facts.get("env"), Map.class)).isEqualTo(env);
    }

    @Test
    void aLoadErrorIsReportedWithRubysTextAndEndsThePreloader() throws Exception {
        Files.writeString(dir.resolve("broken.rb"), "File.write(ENV['LOADS'], 'x')\nWorker.new\n");
        JsonNode started = start("broken.rb");
        assertThat(started.get("reply").asText()).startsWith("error ")
                .contains("broken.rb:2:in `<top (required)>': uninitialized constant Worker (NameError)");
        assertThat(driver.send(Map.of("op", "close")).toString()).isEqualTo("{\"code\":1}");
        assertThat(Files.readString(dir.resolve("preload.log"))).contains("uninitialized constant Worker (NameError)");
    }

    @Test
    void aBadRequestIsAnsweredAndThePreloaderServesOn() throws Exception {
        start("probe.rb");
        byte[] request = Messages.fork(0, Map.of(), List.of(), List.of(0, 1, 2, 3), "Probe.serve");
        JsonNode bad = driver.send(Map.of("op", "fork", "out", out(0).toString(), "extra", true,
                "request", new String(request, StandardCharsets.UTF_8)));
        assertThat(bad.get("reply").asText()).isEqualTo("error ArgumentError: 5 fds came for 4 numbers");
        long pid = fork(0, instanceEnv(0), "Probe.serve");
        assertThat(driver.send(Map.of("op", "talk", "pid", pid)).get("line").asText()).contains("\"pid\":" + pid);
    }

    @Test
    void closingTheLinkEndsThePreloaderAndLeavesItsWorkers() throws Exception {
        start("probe.rb");
        long pid = fork(0, instanceEnv(0), "Probe.serve");
        driver.send(Map.of("op", "talk", "pid", pid));
        assertThat(driver.send(Map.of("op", "close")).toString()).isEqualTo("{\"code\":0}");
        driver.send(Map.of("op", "talk", "pid", pid, "line", "exit 7"));
        assertThat(driver.send(Map.of("op", "wait", "pid", pid)).toString()).isEqualTo("{\"code\":7}");
    }

    private JsonNode start(String load) throws Exception {
        return driver.send(Map.of("op", "start", "env", base, "dir", dir.toString(), "service", "web", "load", load,
                "log", dir.resolve("preload.log").toString()));
    }

    /** The preloader's environment as the kernel gives an instance's: less one, plus its own. */
    private Map<String, String> instanceEnv(int instance) {
        Map<String, String> env = new LinkedHashMap<>(base);
        env.remove("GONE_IN_WORKERS");
        env.put("KINESIN_INSTANCE", String.valueOf(instance));
        env.put("KINESIN_WORKER_ID", "web." + instance);
        env.put("KINESIN_STATUS_FD", "3");
        return env;
    }

    /** Forks a worker as {@link Preloader#fork} asks (the request made by {@link Messages}), fd 3 a socket to the driver. */
    private long fork(int instance, Map<String, String> env, String run) throws Exception {
        Map<String, String> set = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            if (!v.equals(base.get(k))) {
                set.put(k, v);
            }
        });
        List<String> unset = base.keySet().stream().filter(k -> !env.containsKey(k)).toList();
        byte[] request = Messages.fork(instance, set, unset, List.of(0, 1, 2, 3), run);
        JsonNode reply = driver.send(Map.of("op", "fork", "out", out(instance).toString(), "request", new String(request, StandardCharsets.UTF_8)));
        assertThat(reply.get("reply").asText()).startsWith("pid ");
        long pid = Long.parseLong(reply.get("reply").asText().substring(4));
        workers.add(pid);
        return pid;
    }

    private Path out(int instance) {
        return dir.resolve("worker" + instance + ".out");
    }
}
