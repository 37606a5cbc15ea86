package io.kinesin.kernel.supervise;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.metrics.Counters;
import io.kinesin.kernel.plugin.KernelContext;
import io.kinesin.kernel.process.Processes;
import io.kinesin.kernel.process.SpawnSpec;
import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Signal;
import io.kinesin.spi.Spawner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** A plugin's spawner, through a real supervisor loop: its processes are reaped there and killed at their timeout. */
class PluginSpawnTest {

    @Test
    void aPluginsProcessGetsItsExitStatusAndIsKilledAtItsTimeout(@TempDir Path state) throws Exception {
        AtomicReference<Consumer<Signal>> sink = new AtomicReference<>();
        Log log = new Log(Log.Format.LOGFMT, Log.Level.WARN, new ByteArrayOutputStream());
        Supervisor supervisor = new Supervisor(longRunning(), log, null, Optional.empty(), (s, to) -> sink.set(to), Processes::kill);
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> supervisor.run(List.of()));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (supervisor.status().phase() != Supervision.Phase.RUNNING && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        KernelContext ctx = new KernelContext("probes", new KernelContext.Kernel(log, new Counters(), state, () -> supervisor, Map.of("app", 1), state));
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin");

        Spawner.Child quick = ctx.spawner().spawn(new Spawner.Command(List.of("sh", "-c", "exit 4"), env, null, null, null,
                Duration.ofSeconds(10))).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(quick.pid()).isPositive();
        assertThat(quick.exit().toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(4));

        long t0 = System.nanoTime();
        Spawner.Child hung = ctx.spawner().spawn(new Spawner.Command(List.of("sleep", "100"), env, null, null, null,
                Duration.ofMillis(300))).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(hung.exit().toCompletableFuture().get(10, TimeUnit.SECONDS)).isEqualTo(ExitStatus.killed(Signal.KILL));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));

        var missing = ctx.spawner().spawn(new Spawner.Command(List.of("no-such-program-kinesin"), env, null, null, null,
                Duration.ofSeconds(1))).toCompletableFuture();
        assertThat(missing).failsWithin(5, TimeUnit.SECONDS).withThrowableThat().withMessageContaining("ENOENT");

        assertThat(ctx.stateDir()).isDirectory().isEqualTo(state.resolve("probes"));
        sink.get().accept(Signal.TERM);
        assertThat(run.get(10, TimeUnit.SECONDS)).isZero();
    }

    private static Plan longRunning() {
        Forwarding forwarding = new Forwarding(java.util.Set.of(), true, Map.of());
        Ladder ladder = new Ladder(List.of(Signal.TERM, Signal.KILL), Duration.ofSeconds(2));
        List<byte[]> argv = new ArrayList<>(List.of("sleep".getBytes(), "30".getBytes()));
        Command c = new Command(argv, List.of("PATH=/usr/bin:/bin".getBytes(StandardCharsets.UTF_8)), false, null,
                SpawnSpec.Session.NEW_SESSION, Command.Input.NULL, Command.Output.INHERIT, Command.Output.INHERIT, null);
        ServiceSpec s = new ServiceSpec("app", c, 1, true, RestartPolicy.NO, Backoff.DEFAULT, CrashLoop.DEFAULT, Map.of(), ladder, forwarding);
        return new Plan(List.of(s), ladder, forwarding, new ExitCodes(Map.of()), Plan.StatusRule.FIRST_FAILURE);
    }
}
