package io.kinesin.kernel.process;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything about how one child starts. Strings the child sees are raw bytes, exactly as
 * they will reach it: argv, the environment ({@code KEY=VALUE}), the working directory.
 *
 * @param argv        argv[0] is the program; without a '/' it is looked up in the PATH of
 *                    {@code environment} (glibc's default {@code /bin:/usr/bin} if it has none)
 * @param environment the child's whole environment, in order
 * @param workdir     directory to start in; null to inherit kinesin's
 * @param session     how the child is detached from kinesin's session
 * @param handovers   fds of kinesin's the child gets at chosen numbers above 2 (readiness pipes
 *                    and sockets); every other fd above 2 is closed in the child
 */
public record SpawnSpec(List<byte[]> argv, List<byte[]> environment, byte[] workdir, Session session,
                        Stdio stdin, Stdio stdout, Stdio stderr, List<Handover> handovers) {

    public SpawnSpec {
        argv = List.copyOf(argv);
        environment = List.copyOf(environment);
        handovers = List.copyOf(handovers);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs a program name");
        }
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Set<Integer> targets = new HashSet<>();
        for (Handover h : handovers) {
            if (!targets.add(h.as())) {
                throw new IllegalArgumentException("two fds handed over as the child's fd " + h.as());
            }
        }
    }

    /** A child with no fds beyond 0, 1 and 2. */
    public SpawnSpec(List<byte[]> argv, List<byte[]> environment, byte[] workdir, Session session,
                     Stdio stdin, Stdio stdout, Stdio stderr) {
        this(argv, environment, workdir, session, stdin, stdout, stderr, List.of());
    }

    /**
     * One of kinesin's fds, handed to the child as its fd {@code as}. kinesin keeps its own
     * (close-on-exec) and closes it when it no longer needs it.
     */
    public record Handover(int fd, int as) {
        public Handover {
            if (fd < 3 || as < 3) {
                throw new IllegalArgumentException("only fds above 2 are handed over (0-2 are stdio): " + fd + " as " + as);
            }
        }
    }

    public SpawnSpec withHandovers(List<Handover> extra) {
        return new SpawnSpec(argv, environment, workdir, session, stdin, stdout, stderr, extra);
    }

    /** A child that shares kinesin's stdio, cwd and session settings: the CLI modes. */
    public static SpawnSpec inheriting(List<byte[]> argv, List<byte[]> environment, Session session) {
        return new SpawnSpec(argv, environment, null, session, Stdio.INHERIT, Stdio.INHERIT, Stdio.INHERIT);
    }

    public SpawnSpec withStdio(Stdio in, Stdio out, Stdio err) {
        return new SpawnSpec(argv, environment, workdir, session, in, out, err, handovers);
    }

    /** How a child is separated from kinesin's session and process group. */
    public enum Session {
        /** setsid(): its own session and process group, no controlling terminal (the default). */
        NEW_SESSION,
        /** setpgid(0, 0): its own process group in kinesin's session, so it can own the terminal. */
        NEW_PROCESS_GROUP
    }

    /** What one of the child's fds 0, 1, 2 is. */
    public sealed interface Stdio {
        Stdio INHERIT = new Inherit();
        Stdio NULL = new Open("/dev/null".getBytes(), Libc.Io.O_RDWR);

        /** kinesin's own fd, as it is. */
        record Inherit() implements Stdio {
        }

        /** A file opened for the child ({@code flags} as for open(2), mode 0644 when created). */
        record Open(byte[] path, int flags) implements Stdio {
        }

        /** One of kinesin's fds (a pipe end), duplicated onto the child's. */
        record Dup(int fd) implements Stdio {
        }

        static Stdio readFile(byte[] path) {
            return new Open(path, Libc.Io.O_RDONLY);
        }

        static Stdio appendFile(byte[] path) {
            return new Open(path, Libc.Io.O_WRONLY | Libc.Io.O_CREAT | Libc.Io.O_APPEND);
        }
    }
}
