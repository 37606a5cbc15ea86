package io.kinesin.kernel.control;

import java.nio.file.Path;

/**
 * Where {@code run}'s control socket is and what it keeps ({@code kinesin.control}).
 *
 * @param socket   the socket's path; null: control is off ({@code kinesin.control: false})
 * @param explicit the path was given ({@code --control}, {@code $KINESIN_CONTROL}, the config):
 *                 failing to have it is an error; the default path's failure is only a warning
 * @param history  lines kept per stream for {@code kinesin logs}
 */
public record ControlSpec(Path socket, boolean explicit, int history) {

    /** Where the socket is unless told otherwise. */
    public static final Path DEFAULT_SOCKET = Path.of("/run/kinesin/control.sock");
    /** The environment variable that names the socket, for {@code run} and the commands. */
    public static final String ENV = "KINESIN_CONTROL";

    public static final ControlSpec OFF = new ControlSpec(null, false, 0);

    public boolean enabled() {
        return socket != null;
    }

    /** The socket a command talks to: {@code --control}, else {@code $KINESIN_CONTROL}, else the default. */
    public static Path forCommand(String option) {
        if (option != null) {
            return Path.of(option);
        }
        String env = System.getenv(ENV);
        return env != null && !env.isEmpty() ? Path.of(env) : DEFAULT_SOCKET;
    }
}
