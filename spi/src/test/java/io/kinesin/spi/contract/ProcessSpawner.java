package io.kinesin.spi.contract;

import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Signal;
import io.kinesin.spi.Spawner;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the kernel's spawner, for plugins' tests (only a plugin's jar must not fork): runs
 * {@link Command}'s argv with exactly its environment, discards the output (null), kills the
 * process tree when {@code timeout} has passed, and reaps through the JDK. What it cannot do
 * as the kernel does: a process group (it kills the tree it finds instead), another user (only
 * this one), and a death by signal N that a JDK reports as exit 128+N is taken for the signal.
 * It keeps every child it started, for the tests to look at.
 */
public final class ProcessSpawner implements Spawner {

    private final List<Started> started = new CopyOnWriteArrayList<>();
    private final Duration late;

    /** Kills at {@code timeout}, as the kernel does. */
    public ProcessSpawner() {
        this(Duration.ZERO);
    }

    /** Kills {@code late} after {@code timeout}: for a test that must see the plugin kill by itself. */
    public ProcessSpawner(Duration late) {
        this.late = late;
    }

    @Override
    public CompletionStage<Child> spawn(Command command) {
        if (command.user() != null && !command.user().equals(System.getProperty("user.name"))) {
            return CompletableFuture.failedFuture(new IOException("the test spawner runs as " + System.getProperty("user.name")
                    + " only, not " + command.user()));
        }
        ProcessBuilder builder = new ProcessBuilder(command.argv())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        if (command.workdir() != null) {
            builder.directory(command.workdir().toFile());
        }
        builder.environment().clear();
        builder.environment().putAll(command.environment());
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
        Started child = new Started(command, process);
        started.add(child);
        Thread.ofVirtual().start(() -> {
            try {
                if (!process.waitFor(command.timeout().plus(late).toNanos(), TimeUnit.NANOSECONDS)) {
                    child.killTree();
                }
            } catch (InterruptedException e) {
                child.killTree();
            }
        });
        return CompletableFuture.completedFuture(child);
    }

    /** A JDK process has no fd 3 to hand over: plugins that link to their child test against the kernel. */
    @Override
    public CompletionStage<Linked> spawnLinked(Command command) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(
                "the test spawner cannot link a child (fd 3, SCM_RIGHTS); test against the kernel's spawner"));
    }

    /** The children started so far, oldest first. */
    public List<Started> started() {
        return List.copyOf(started);
    }

    /** Kills what is still running: a test's clean-up. */
    public void killAll() {
        started.forEach(Started::killTree);
    }

    /** One started process, and the signals the plugin sent it. */
    public static final class Started implements Child {
        public final Command command;
        public final Process process;
        public final List<Signal> signalled = new CopyOnWriteArrayList<>();

        Started(Command command, Process process) {
            this.command = command;
            this.process = process;
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public CompletionStage<ExitStatus> exit() {
            return process.onExit().thenApply(p -> p.exitValue() > 128 && p.exitValue() <= 128 + 64
                    ? ExitStatus.killed(new Signal(p.exitValue() - 128))
                    : ExitStatus.exited(p.exitValue()));
        }

        @Override
        public void signal(Signal signal) {
            signalled.add(signal);
            if (signal.equals(Signal.KILL)) {
                killTree();
            } else if (signal.equals(Signal.TERM)) {
                process.destroy();
            } else {
                throw new UnsupportedOperationException("the test spawner sends KILL and TERM only, not " + signal);
            }
        }

        /** Children first, listed before the parent dies and they are orphaned. */
        public void killTree() {
            List<ProcessHandle> tree = process.descendants().toList();
            process.destroyForcibly();
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }
}
