package io.kinesin.spi;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Starts a process through the kernel: the kernel spawns it (in its own session, with a clean
 * signal mask and dispositions and no fd but 0-2), reaps it, and kills its process group at
 * the latest when {@code timeout} has passed, or when kinesin shuts down.
 */
public interface Spawner {

    /** Completes with the started child, or exceptionally if it cannot be executed. */
    CompletionStage<Child> spawn(Command command);

    /**
     * What to run.
     *
     * @param environment the whole environment
     * @param workdir     null: kinesin's own
     * @param user        null: kinesin's own; else a name or {@code uid[:gid]}
     * @param output      a name for the log bus ({@code hook:web:alert}): the process's stdout and
     *                    stderr go there, labelled with it; null: discarded
     * @param timeout     its whole process group is killed (KILL) when this has passed
     */
    record Command(List<String> argv, Map<String, String> environment, Path workdir, String user, String output,
                   Duration timeout) {
        public Command {
            argv = List.copyOf(argv);
            environment = Map.copyOf(environment);
            if (argv.isEmpty()) {
                throw new IllegalArgumentException("a command needs a program");
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("a process started for a plugin needs a timeout > 0");
            }
        }
    }

    /** A process the kernel started. */
    interface Child {
        long pid();

        /** Completes when the kernel has reaped it. */
        CompletionStage<ExitStatus> exit();

        /** Sends a signal to its process group (nothing once it is gone). */
        void signal(Signal signal);
    }
}
