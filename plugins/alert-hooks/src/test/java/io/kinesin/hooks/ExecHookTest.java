package io.kinesin.hooks;

import io.kinesin.spi.Death;
import io.kinesin.spi.DeathHook;
import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Signal;
import io.kinesin.spi.Spawner;
import io.kinesin.spi.contract.Contexts;
import io.kinesin.spi.contract.ProcessSpawner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An exec hook against real processes: what its command sees, and how it fails. */
class ExecHookTest {

    private static final Instant AT = Instant.parse("2026-11-22T02:13:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final ProcessSpawner spawner = new ProcessSpawner();

    @AfterEach
    void killLeftovers() {
        spawner.killAll();
    }

    /** A script that writes its environment to env.txt, one VAR=value a line. */
    private List<String> envDump() {
        return List.of("/bin/sh", "-c", "env > \"$OUT/env.txt\"");
    }

    private Map<String, String> dumped() throws IOException {
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("env.txt"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return env;
    }

    private DeathHook hook(List<String> command, Map<String, String> kinesinsEnv, Duration timeout) {
        Map<String, String> env = Map.of("OUT", dir.toString(), "CHANNEL", "ops");
        return new ExecHook(new ExecHookConfig(command, env, timeout), kinesinsEnv, Contexts.spawningWith(spawner));
    }

    @Test
    void everyFactReachesTheCommand() throws Exception {
        Map<String, String> kinesins = Map.of("PATH", System.getenv("PATH"), "TZ", "UTC", "KINESIN_SIGNAL", "inherited");
        try (DeathHook hook = hook(envDump(), kinesins, TIMEOUT)) {
            hook.onDeath(new Death("web", 1, 4242, ExitStatus.exited(3), 3, true, "backoff", AT, 2));
        }
        assertThat(dumped()).containsAllEntriesOf(Map.ofEntries(
                Map.entry("KINESIN_SERVICE", "web"), Map.entry("KINESIN_INSTANCE", "1"), Map.entry("KINESIN_PID", "4242"),
                Map.entry("KINESIN_EXIT_CODE", "3"), Map.entry("KINESIN_SIGNAL", ""), Map.entry("KINESIN_DEATHS", "3"),
                Map.entry("KINESIN_WILL_RESTART", "true"), Map.entry("KINESIN_STATE", "backoff"),
                Map.entry("KINESIN_AT", "2026-11-22T02:13:00Z"), Map.entry("KINESIN_COALESCED", "2"),
                Map.entry("TZ", "UTC"), Map.entry("CHANNEL", "ops")))
                .doesNotContainKeys("KINESIN_EXIT_STATUS", "KINESIN_REASON");
        Spawner.Command run = spawner.started().getFirst().command;
        assertThat(run.output()).isEqualTo("hook:web:sh");
        assertThat(run.timeout()).isEqualTo(TIMEOUT);
        assertThat(run.workdir()).isNull();
        assertThat(run.user()).isNull();
    }

    @Test
    void aSignalDeathHasASignalAndNoExitCode() throws Exception {
        try (DeathHook hook = hook(envDump(), Map.of(), TIMEOUT)) {
            hook.onDeath(new Death("db", 0, 99, ExitStatus.killed(Signal.KILL), 6, false, "failed", AT, 0));
        }
        assertThat(dumped()).containsEntry("KINESIN_EXIT_CODE", "").containsEntry("KINESIN_SIGNAL", "KILL")
                .containsEntry("KINESIN_WILL_RESTART", "false").containsEntry("KINESIN_STATE", "failed");
    }

    @Test
    void anExitHasItsStatusAndReasonAndNoDeathFacts() throws Exception {
        Map<String, String> kinesins = Map.of("KINESIN_SERVICE", "outer", "KINESIN_INSTANCE", "0");
        try (DeathHook hook = hook(envDump(), kinesins, TIMEOUT)) {
            hook.onExit(143, "signal TERM");
        }
        assertThat(dumped()).containsEntry("KINESIN_EXIT_STATUS", "143").containsEntry("KINESIN_REASON", "signal TERM")
                .containsKey("KINESIN_AT").doesNotContainKeys("KINESIN_SERVICE", "KINESIN_INSTANCE", "KINESIN_PID", "KINESIN_EXIT_CODE");
        assertThat(spawner.started().getFirst().command.output()).isEqualTo("hook:on-exit:sh");
    }

    @Test
    void aFailingCommandFailsTheHook() throws Exception {
        try (DeathHook hook = hook(List.of("/bin/sh", "-c", "exit 3"), Map.of(), TIMEOUT)) {
            assertThatThrownBy(() -> hook.onDeath(death())).hasMessage("exit 3");
        }
    }

    @Test
    void aCommandKilledByASignalFailsTheHook() throws Exception {
        try (DeathHook hook = hook(List.of("/bin/sh", "-c", "kill -TERM $$"), Map.of(), TIMEOUT)) {
            assertThatThrownBy(() -> hook.onDeath(death())).hasMessage("killed by TERM");
        }
    }

    @Test
    void aMissingProgramFailsTheHook() throws Exception {
        try (DeathHook hook = hook(List.of(dir.resolve("no-such-alert").toString()), Map.of(), TIMEOUT)) {
            assertThatThrownBy(() -> hook.onDeath(death())).hasMessageStartingWith("cannot run " + dir.resolve("no-such-alert") + ": ");
        }
    }

    @Test
    void aRelativeProgramIsFoundFromTheConfigFilesDirectory() throws Exception {
        Path script = Files.writeString(dir.resolve("alert.sh"), "#!/bin/sh\necho \"$KINESIN_SERVICE\" > \"$OUT/relative.txt\"\n");
        assertThat(script.toFile().setExecutable(true)).isTrue();
        ExecHookConfig config = new ExecHookConfig(List.of("./alert.sh"), Map.of("OUT", dir.toString()), TIMEOUT);
        try (DeathHook hook = new ExecHook(config, Map.of(), Contexts.of(spawner, dir, service -> 1))) {
            hook.onDeath(death());
        }
        assertThat(dir.resolve("relative.txt")).content().isEqualTo("web\n");
        assertThat(spawner.started().getFirst().command.argv()).containsExactly(script.toString());
        assertThat(spawner.started().getFirst().command.output()).isEqualTo("hook:web:alert.sh");
    }

    /**
     * A command that hangs, with a child of its own, is killed at the timeout with that child
     * (the spawner here would only kill it 60s later: the hook itself must).
     */
    @Test
    void aHungCommandIsKilledWithItsChildrenAtTheTimeout() throws Exception {
        ProcessSpawner lateKiller = new ProcessSpawner(Duration.ofSeconds(60));
        Path pids = dir.resolve("pids");
        List<String> hang = List.of("/bin/sh", "-c", "sleep 300 & echo $$ $! > \"$OUT/pids.tmp\"; mv \"$OUT/pids.tmp\" \"$OUT/pids\"; wait");
        Duration timeout = Duration.ofMillis(1500);
        try (DeathHook hook = new ExecHook(new ExecHookConfig(hang, Map.of("OUT", dir.toString()), timeout), Map.of(),
                Contexts.spawningWith(lateKiller))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> hook.onDeath(death())).hasMessage("no answer within 1500ms (killed)");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout.plusSeconds(1));
            assertThat(lateKiller.started().getFirst().signalled).containsExactly(Signal.KILL);
            String[] written = Files.readString(pids).strip().split(" ");
            for (String pid : written) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(p -> {
                    try {
                        p.onExit().get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        throw new AssertionError("pid " + pid + " (" + p.info().commandLine().orElse("?") + ") outlived the hook", e);
                    }
                });
            }
        } finally {
            lateKiller.killAll();
        }
    }

    private static Death death() {
        return new Death("web", 0, 4242, ExitStatus.exited(1), 1, true, "backoff", AT, 0);
    }
}
