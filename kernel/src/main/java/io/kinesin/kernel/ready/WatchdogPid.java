package io.kinesin.kernel.ready;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * systemd gives a service with a watchdog {@code WATCHDOG_PID}, its own pid, and
 * {@code sd_watchdog_enabled()} checks it. posix_spawn cannot know the pid before the child
 * exists, so the child starts as {@code /bin/sh -c 'WATCHDOG_PID=$$ exec "$@"'}: the shell
 * sets it and execs the command, which keeps the pid. Without {@code /bin/sh} (a distroless
 * image) the command runs as it is, without {@code WATCHDOG_PID}, which
 * {@code sd_watchdog_enabled()} also accepts.
 */
public final class WatchdogPid {

    private static final byte[] SH = "/bin/sh".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SCRIPT = "WATCHDOG_PID=$$; export WATCHDOG_PID; exec \"$@\"".getBytes(StandardCharsets.US_ASCII);

    private WatchdogPid() {
    }

    public static List<byte[]> wrap(List<byte[]> argv) {
        if (!Files.isExecutable(Path.of("/bin/sh"))) {
            return argv;
        }
        List<byte[]> out = new ArrayList<>(argv.size() + 4);
        out.add(SH);
        out.add("-c".getBytes(StandardCharsets.US_ASCII));
        out.add(SCRIPT);
        out.add(argv.getFirst()); // $0: the program, as ps shows it until the exec
        out.addAll(argv);
        return out;
    }
}
