package io.kinesin.kernel.process;

import java.util.List;
import java.util.Objects;

/**
 * Everything about how one child starts. Strings the child sees are raw bytes, exactly as
 * they will reach it: argv, the environment ({@code KEY=VALUE}), the working directory.
 *
 * @param argv        argv[0] is the program; without a '/' it is looked up in the PATH of
 *                    {@code environment} (glibc's default {@code /bin:/usr/bin} if it has none)
 * @param environment the child's whole environment, in order
 * @param workdir     directory to start in; null to inherit kinesin's
 * @param session     how the child is detached from kinesin's session
 */
public record SpawnSpec(List<byte[]> argv, List<byte[]> environment, byte[] workdir, Session session,
                        Stdio stdin, Stdio stdout, Stdio stderr) {

    public SpawnSpec {
        argv = List.copyOf(argv);
        environment = List.copyOf(environment);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command needs a program name");
        }
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(stdin, "stdin");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
    }

    /** A child that shares kinesin's stdio, cwd and session settings: the CLI modes. */
    public static SpawnSpec inheriting(List<byte[]> argv, List<byte[]> environment, Session session) {
        return new SpawnSpec(argv, environment, null, session, Stdio.INHERIT, Stdio.INHERIT, Stdio.INHERIT);
    }

    public SpawnSpec withStdio(Stdio in, Stdio out, Stdio err) {
        return new SpawnSpec(argv, environment, workdir, session, in, out, err);
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
