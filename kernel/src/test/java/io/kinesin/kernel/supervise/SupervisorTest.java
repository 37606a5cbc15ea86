package io.kinesin.kernel.supervise;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.NativeException;
import io.kinesin.kernel.process.Processes;
import io.kinesin.kernel.process.SpawnSpec;
import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real loop with real processes, with two seams of its own: where signals come from (a
 * test can lose SIGCHLD, or post a TERM without signalling the test's JVM) and how kill is sent.
 */
class SupervisorTest {

    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final Log log = new Log(Log.Format.LOGFMT, Log.Level.DEBUG, logBytes);
    private final AtomicReference<Consumer<Signal>> sink = new AtomicReference<>();
    /** Installs nothing: no signal reaches the loop unless the test posts it, SIGCHLD included. */
    private final Supervisor.SignalSource deaf = (signals, s) -> sink.set(s);

    @Test
    void aLostSigchldIsMadeUpForByTheTick() throws Exception {
        Supervisor supervisor = new Supervisor(plan(Ladder.DEFAULT, "sh", "-c", "exit 7"), log, null, Optional.empty(),
                deaf, Processes::kill);
        assertThat(runBounded(supervisor, Supervisor.REAP_TICK.multipliedBy(5))).isEqualTo(7);
    }

    @Test
    void aSignalThatCannotBeSentDoesNotStallTheLadder() throws Exception {
        List<Signal> refused = new ArrayList<>();
        Supervisor.Kill eperm = (pid, signal, group) -> {
            if (signal.equals(Signal.TERM)) {
                refused.add(signal);
                throw new NativeException("kill(" + pid + ", SIGTERM)", 1);
            }
            return Processes.kill(pid, signal, group);
        };
        Ladder ladder = new Ladder(List.of(Signal.TERM, Signal.KILL), Duration.ofMillis(200));
        Supervisor supervisor = new Supervisor(plan(ladder, "sleep", "30"), log, null, Optional.empty(), deaf, eperm);
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> supervisor.run(List.of()));
        await(() -> supervisor.status().instances().getFirst().state() == State.READY);
        sink.get().accept(Signal.TERM);
        assertThat(status.get(10, TimeUnit.SECONDS)).as("KILL, the next step, was sent and is no failure").isZero();
        assertThat(refused).isNotEmpty();
        assertThat(logText()).contains("msg=\"cannot signal\"").contains("EPERM");
    }

    @Test
    void processesSpawnedForOthersAndLateClaimedPidsGetTheirExitStatus(@TempDir Path dir) throws Exception {
        Supervisor supervisor = new Supervisor(plan(Ladder.DEFAULT, "sleep", "30"), log, null, Optional.empty(),
                deaf, Processes::kill);
        CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> supervisor.run(List.of()));
        await(() -> supervisor.status().phase() == Supervision.Phase.RUNNING);

        CompletableFuture<ExitStatus> hookExit = new CompletableFuture<>();
        CompletableFuture<Integer> hookPid = new CompletableFuture<>();
        supervisor.post(new Event.SpawnFor(spec("sh", "-c", "exit 5"), hookExit::complete, hookPid));
        assertThat(hookPid.get(5, TimeUnit.SECONDS)).isPositive();
        assertThat(hookExit.get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(5));

        // a "worker" forked by someone else, orphaned to kinesin, dead before its pid is claimed
        Path pidFile = dir.resolve("worker.pid");
        CompletableFuture<ExitStatus> forkerExit = new CompletableFuture<>();
        supervisor.post(new Event.SpawnFor(spec("sh", "-c", "sh -c 'exit 9' & echo $! > " + pidFile), forkerExit::complete,
                new CompletableFuture<>()));
        forkerExit.get(5, TimeUnit.SECONDS);
        await(() -> Files.exists(pidFile) && !readOrEmpty(pidFile).isEmpty());
        int worker = Integer.parseInt(readOrEmpty(pidFile));
        await(() -> !Files.exists(Path.of("/proc/" + worker))); // reaped by the loop, unclaimed
        CompletableFuture<ExitStatus> workerExit = new CompletableFuture<>();
        supervisor.post(new Event.Claim(worker, workerExit::complete));
        assertThat(workerExit.get(5, TimeUnit.SECONDS)).isEqualTo(ExitStatus.exited(9));

        sink.get().accept(Signal.TERM);
        assertThat(status.get(10, TimeUnit.SECONDS)).isZero();
        assertThat(supervisor.status().phase()).isEqualTo(Supervision.Phase.DONE);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static int runBounded(Supervisor supervisor, Duration bound) throws Exception {
        return CompletableFuture.supplyAsync(() -> supervisor.run(List.of())).get(bound.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void await(Supplier<Boolean> condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10s");
            }
            Thread.sleep(5);
        }
    }

    private static String readOrEmpty(Path p) {
        try {
            return Files.readString(p).strip();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private String logText() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    private static List<byte[]> argv(String... words) {
        List<byte[]> out = new ArrayList<>();
        for (String w : words) {
            out.add(w.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static List<byte[]> environment() {
        return List.of("PATH=/usr/bin:/bin".getBytes(StandardCharsets.UTF_8));
    }

    private static SpawnSpec spec(String... words) {
        return SpawnSpec.inheriting(argv(words), environment(), SpawnSpec.Session.NEW_SESSION);
    }

    private static Plan plan(Ladder ladder, String... words) {
        Forwarding forwarding = new Forwarding(java.util.Set.of(), true, Map.of());
        Command c = new Command(argv(words), environment(), false, null, SpawnSpec.Session.NEW_SESSION,
                Command.Input.NULL, Command.Output.INHERIT, Command.Output.INHERIT, null);
        ServiceSpec s = new ServiceSpec("child", c, 1, true, RestartPolicy.NO, Backoff.DEFAULT, CrashLoop.DEFAULT, Map.of(),
                ladder, forwarding);
        return new Plan(List.of(s), ladder, forwarding, new ExitCodes(Map.of()), Plan.StatusRule.FIRST_FAILURE);
    }
}
