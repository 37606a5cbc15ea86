package io.kinesin.preload;

import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Launcher;
import io.kinesin.spi.Signal;
import io.kinesin.spi.Spawner;
import io.kinesin.spi.contract.Contexts;
import io.kinesin.spi.contract.ProcessSpawner;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The launcher's own bounds, against spawners that fail or never answer (what the kernel's
 * spawner can do when kinesin is loaded or shutting down): each stage fails within the
 * launcher's timeout, with the reason, and a preloader that starts too late is stopped. The
 * preloader itself, started for real, is PreloaderProgramTest's and RubyPreloadIT's.
 */
class RubyPreloadTest {

    private static final Launcher.LaunchSpec SPEC = new Launcher.LaunchSpec("web", 0, List.of(),
            Map.of("KINESIN_SERVICE", "web", "KINESIN_INSTANCE", "0", "PATH", "/usr/bin:/bin"), null, null, () -> List.of(0, 1, 2));

    @Test
    void aPreloaderThatCannotStartFailsTheLaunchWithTheReason() throws Exception {
        try (Launcher launcher = launcher(Duration.ofSeconds(5), new ProcessSpawner())) {
            assertThatThrownBy(() -> launcher.launch(SPEC).toCompletableFuture().get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(LaunchFailed.class)
                    .hasMessage("cannot start the preloader (ruby): the test spawner cannot link a child (fd 3, SCM_RIGHTS); "
                            + "test against the kernel's spawner");
        }
    }

    @Test
    void launchesWaitingForAStuckStartEachFailWithinTheTimeoutAndALatePreloaderIsStopped() throws Exception {
        Stuck spawner = new Stuck();
        Duration timeout = Duration.ofMillis(300);
        try (Launcher launcher = launcher(timeout, spawner)) {
            long start = System.nanoTime();
            var first = CompletableFuture.supplyAsync(() -> launcher.launch(SPEC).toCompletableFuture());
            var second = CompletableFuture.supplyAsync(() -> launcher.launch(SPEC).toCompletableFuture());
            assertThatThrownBy(() -> first.get().get()).cause().hasMessage("the preloader (ruby) did not start within PT0.3S");
            assertThatThrownBy(() -> second.get().get()).cause().isInstanceOf(LaunchFailed.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).as("both within one timeout and a margin")
                    .isLessThan(timeout.multipliedBy(2).plusMillis(500));
            assertThat(spawner.started).as("one start each at most: the second waited for its turn").hasSizeBetween(1, 2);

            for (CompletableFuture<Spawner.Linked> started : spawner.started) {
                Late late = new Late();
                started.complete(late); // the kernel started it after all
                assertThat(late.signals).containsExactly(Signal.TERM);
                assertThat(late.closed).isTrue();
            }
        }
    }

    @Test
    void reloadBeforeAnyLaunchHasNothingToLoad() throws Exception {
        try (Launcher launcher = launcher(Duration.ofSeconds(1), new Stuck())) {
            assertThat(launcher.reload().toCompletableFuture().get(1, TimeUnit.SECONDS)).isNull();
        }
    }

    @Test
    void aClosedLauncherLaunchesNothingAndClosesTwiceHarmlessly() throws Exception {
        Stuck spawner = new Stuck();
        Launcher launcher = launcher(Duration.ofSeconds(1), spawner);
        launcher.close();
        assertThatCode(launcher::close).doesNotThrowAnyException();
        assertThatThrownBy(() -> launcher.launch(SPEC).toCompletableFuture().get(1, TimeUnit.SECONDS))
                .cause().hasMessage("the launcher is closed (kinesin is stopping)");
        assertThat(spawner.started).isEmpty();
    }

    private static Launcher launcher(Duration timeout, Spawner spawner) {
        return new RubyPreloadFactory().create(new RubyPreloadConfig("app.rb", "App.run", null, timeout), Contexts.spawningWith(spawner));
    }

    /** A spawner whose linked children never start (until the test says so). */
    private static final class Stuck implements Spawner {
        final List<CompletableFuture<Linked>> started = new CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<Child> spawn(Command command) {
            throw new UnsupportedOperationException("the launcher spawns only linked children");
        }

        @Override
        public CompletionStage<Linked> spawnLinked(Command command) {
            assertThat(command.argv()).containsExactly("ruby", "-e", Preloader.BOOTSTRAP);
            assertThat(command.output()).isEqualTo("preload:web");
            assertThat(command.environment()).doesNotContainKey("KINESIN_INSTANCE").containsEntry("KINESIN_SERVICE", "web");
            assertThat(command.timeout()).isEqualTo(Command.NO_TIMEOUT);
            CompletableFuture<Linked> child = new CompletableFuture<>();
            started.add(child);
            return child;
        }
    }

    /** A preloader that came too late: what the launcher does to it. */
    private static final class Late implements Spawner.Linked, Spawner.Link {
        final List<Signal> signals = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        @Override
        public Spawner.Link link() {
            return this;
        }

        @Override
        public long pid() {
            return 4242;
        }

        @Override
        public CompletionStage<ExitStatus> exit() {
            return new CompletableFuture<>();
        }

        @Override
        public void signal(Signal signal) {
            signals.add(signal);
        }

        @Override
        public void send(byte[] message, Duration wait) throws IOException {
            throw new IOException("a late preloader is sent nothing");
        }

        @Override
        public void send(byte[] message, Launcher.Fds fds, Duration wait) throws IOException {
            throw new IOException("a late preloader is sent nothing");
        }

        @Override
        public byte[] receive(Duration wait) throws IOException {
            throw new IOException("a late preloader is asked nothing");
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
