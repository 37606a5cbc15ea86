package io.kinesin.spi;

import java.io.IOException;
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
     * Like {@link #spawn}, and the child also gets fd 3: its end of a unix socket
     * ({@code SOCK_SEQPACKET}) whose other end is the {@link Linked#link()} (a preloader's line
     * to its launcher). kinesin shuts the child down with the orphans at the end of a
     * shutdown (TERM, then KILL) if it is still alive then; once the shutdown has begun, the
     * stage fails: nothing new is started.
     */
    default CompletionStage<Linked> spawnLinked(Command command) {
        return java.util.concurrent.CompletableFuture.failedFuture(
                new UnsupportedOperationException("this spawner cannot link a child (fd 3, SCM_RIGHTS)"));
    }

    /**
     * What to run.
     *
     * @param environment the whole environment
     * @param workdir     null: kinesin's own
     * @param user        null: kinesin's own; else a name or {@code uid[:gid]}
     * @param output      a name for the log bus ({@code hook:web:alert}): the process's stdout and
     *                    stderr go there, labelled with it; null: discarded
     * @param timeout     its whole process group is killed (KILL) when this has passed;
     *                    {@link #NO_TIMEOUT} for a process meant to live as long as kinesin
     */
    record Command(List<String> argv, Map<String, String> environment, Path workdir, String user, String output,
                   Duration timeout) {

        /** A process that lives as long as kinesin (a preloader): no timeout. */
        public static final Duration NO_TIMEOUT = Duration.ofSeconds(Long.MAX_VALUE);

        /**
         * A plugin's {@code command:} setting as a config record's compact constructor checks it:
         * a list of arguments, the first the program (a string is one program, as Jackson's
         * {@code ACCEPT_SINGLE_VALUE_AS_ARRAY} reads it).
         *
         * @param example a whole {@code command: [...]} line for the error when it is missing
         * @return an immutable copy
         * @throws IllegalArgumentException naming {@code command:} and the fix
         */
        public static List<String> checkedArgv(List<String> command, String example) {
            if (command == null || command.isEmpty()) {
                throw new IllegalArgumentException("command: required: the program to run and its arguments, e.g. " + example);
            }
            for (int i = 0; i < command.size(); i++) {
                if (command.get(i) == null) {
                    throw new IllegalArgumentException("command: item " + i + " is null; quote it as a string");
                }
            }
            if (command.getFirst().isBlank()) {
                throw new IllegalArgumentException("command: the program name (the first item) is empty");
            }
            return List.copyOf(command);
        }

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

        /**
         * Completes when the kernel has reaped it, on a kernel thread for plugins' callbacks
         * (never the supervisor's loop): a dependent action may take its time, but every wait
         * in it must be bounded.
         */
        CompletionStage<ExitStatus> exit();

        /** Sends a signal to its process group (nothing once it is gone). */
        void signal(Signal signal);
    }

    /** A child started with {@link #spawnLinked}, and the socket to it. */
    interface Linked extends Child {
        Link link();
    }

    /**
     * kinesin's end of a linked child's socket. Messages keep their boundaries (at most 64 KiB
     * each). One thread sends and one receives at a time; every call waits at most its
     * {@code wait}.
     */
    interface Link extends AutoCloseable {

        /** Sends one message. */
        void send(byte[] message, Duration wait) throws IOException;

        /**
         * Sends one message with copies of a launch's fds (SCM_RIGHTS), in the order of
         * {@link Launcher.Fds#numbers()}: the receiver gets them as new fds of its own.
         */
        void send(byte[] message, Launcher.Fds fds, Duration wait) throws IOException;

        /**
         * The next message.
         *
         * @throws java.io.EOFException           the child closed its end (it died)
         * @throws java.net.SocketTimeoutException nothing came within {@code wait}
         */
        byte[] receive(Duration wait) throws IOException;

        /** Closes kinesin's end; the child reads EOF. */
        @Override
        void close();
    }
}
