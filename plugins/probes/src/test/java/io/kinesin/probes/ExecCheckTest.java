package io.kinesin.probes;

import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.HealthCheck;
import io.kinesin.spi.Signal;
import io.kinesin.spi.contract.Contexts;
import io.kinesin.spi.contract.ProcessSpawner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What an exec check's result says for real commands, and that a hung one is killed, not left behind. */
class ExecCheckTest {

    private static final Duration DEADLINE = Duration.ofSeconds(5);
    private static final HealthCheck.Target WEB = new HealthCheck.Target("web", 0, ProcessHandle.current().pid(),
            Map.of("KINESIN_SERVICE", "web", "PROBE", "yes"), null);

    private final ProcessSpawner spawner = new ProcessSpawner();

    @AfterEach
    void killLeftovers() {
        spawner.killAll();
    }

    @Test
    void exitZeroPasses() throws Exception {
        assertThat(run(WEB, DEADLINE, "/bin/true")).isEqualTo(HealthCheck.Result.pass("exit 0"));
    }

    @Test
    void anotherExitFailsWithItsCode() throws Exception {
        assertThat(run(WEB, DEADLINE, "/bin/sh", "-c", "exit 3")).isEqualTo(HealthCheck.Result.fail("exit 3"));
    }

    @Test
    void aDeathBySignalFailsNamingIt() throws Exception {
        assertThat(run(WEB, DEADLINE, "/bin/sh", "-c", "kill -TERM $$")).isEqualTo(HealthCheck.Result.fail("signal TERM"));
    }

    @Test
    void theCommandRunsWithTheInstancesEnvironmentAndUser() throws Exception {
        String me = System.getProperty("user.name");
        HealthCheck.Target target = new HealthCheck.Target("web", 0, 1, WEB.environment(), me);
        assertThat(run(target, DEADLINE, "/bin/sh", "-c", "test \"$KINESIN_SERVICE\" = web && test \"$PROBE\" = yes"))
                .isEqualTo(HealthCheck.Result.pass("exit 0"));
        var command = spawner.started().getLast().command;
        assertThat(command.environment()).isEqualTo(WEB.environment());
        assertThat(command.user()).isEqualTo(me);
        assertThat(command.workdir()).isNull();
        assertThat(command.output()).isNull();
        assertThat(command.timeout()).isEqualTo(DEADLINE);
    }

    @Test
    void aProgramThatCannotRunFailsSayingSo() throws Exception {
        HealthCheck.Result result = run(WEB, DEADLINE, "/nonexistent/healthy");
        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).startsWith("cannot run /nonexistent/healthy: ");
    }

    /**
     * The check kills a hung command at its deadline by itself: the spawner here would kill it
     * only a minute later, yet the process is gone (reaped, its /proc entry removed) right after.
     */
    @Test
    void aHungCommandFailsAtTheDeadlineAndIsKilled() throws Exception {
        ProcessSpawner lateKiller = new ProcessSpawner(Duration.ofMinutes(1));
        Duration deadline = Duration.ofMillis(500);
        try (HealthCheck check = new ExecCheckFactory().create(new ExecCheckConfig(List.of("sleep", "60")), Contexts.spawningWith(lateKiller))) {
            long start = System.nanoTime();
            HealthCheck.Result result = check.check(WEB, deadline);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(deadline.plusSeconds(1));
            assertThat(result).isEqualTo(HealthCheck.Result.fail("no answer within 500ms (killed)"));

            ProcessSpawner.Started sleep = lateKiller.started().getLast();
            assertThat(sleep.signalled).containsExactly(Signal.KILL);
            ExitStatus status = sleep.exit().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(status).isEqualTo(ExitStatus.killed(Signal.KILL));
            assertThat(ProcessHandle.of(sleep.pid())).isEmpty();
            assertThat(Path.of("/proc", Long.toString(sleep.pid()))).doesNotExist();
        } finally {
            lateKiller.killAll();
        }
    }

    private HealthCheck.Result run(HealthCheck.Target target, Duration deadline, String... argv) throws Exception {
        try (HealthCheck check = new ExecCheckFactory().create(new ExecCheckConfig(List.of(argv)), Contexts.spawningWith(spawner))) {
            return check.check(target, deadline);
        }
    }
}
