package io.kinesin.spi.contract;

import io.kinesin.spi.Launcher;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link Launcher} must do: complete the stage {@code launch} returns within the
 * kernel's deadline, with the pid of a process that is running, fail it (not hang) when the
 * instance cannot start, and close idempotently. The subclass owns the processes: it stops
 * them after each test.
 */
public abstract class LauncherContract {

    /** A launcher ready to start instances (its context's spawner is the test's). */
    protected abstract Launcher newLauncher() throws Exception;

    /** An instance that starts and keeps running until the test stops it (a sleep). */
    protected abstract Launcher.LaunchSpec runningSpec();

    /** An instance that cannot start (a program that does not exist); null if the kind has none, which skips that rule. */
    protected Launcher.LaunchSpec unstartableSpec() {
        return null;
    }

    /** The kernel's deadline for a launch. */
    protected Duration deadline() {
        return Duration.ofSeconds(10);
    }

    @Test
    void aLaunchCompletesWithinTheDeadlineWithARunningPid() throws Exception {
        try (Launcher launcher = newLauncher()) {
            CompletableFuture<Launcher.Launched> stage = launcher.launch(runningSpec()).toCompletableFuture();
            Launcher.Launched launched = stage.get(Deadlines.bound(deadline()).toMillis(), TimeUnit.MILLISECONDS);
            assertThat(launched.pid()).isPositive();
            assertThat(ProcessHandle.of(launched.pid()).map(ProcessHandle::isAlive)).as("pid %d is running", launched.pid()).contains(true);
        }
    }

    @Test
    void anInstanceThatCannotStartFailsItsStage() throws Exception {
        Launcher.LaunchSpec spec = unstartableSpec();
        Assumptions.assumeTrue(spec != null, "this kind has no instance that cannot start");
        try (Launcher launcher = newLauncher()) {
            CompletableFuture<Launcher.Launched> stage = launcher.launch(spec).toCompletableFuture();
            assertThatThrownBy(() -> stage.get(Deadlines.bound(deadline()).toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    void closingTwiceIsHarmless() throws Exception {
        Launcher launcher = newLauncher();
        launcher.close();
        assertThatCode(launcher::close).doesNotThrowAnyException();
    }
}
