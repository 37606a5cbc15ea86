package io.kinesin.it;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real unprivileged test user with a supplementary group, created (as root) when missing. */
final class Users {

    static final String TEST_USER = "kinesin-it";
    static final String TEST_GROUP = "kinesin-it-extra";

    private Users() {
    }

    static synchronized void ensureTestUser() throws IOException, InterruptedException {
        if (run(List.of("id", TEST_USER)) == 0) {
            return;
        }
        run(List.of("groupadd", "-f", TEST_GROUP));
        int r = run(List.of("useradd", "--no-create-home", "--no-user-group", "--gid", "nogroup", "--groups", TEST_GROUP,
                "--shell", "/usr/sbin/nologin", TEST_USER));
        if (r != 0) {
            throw new IllegalStateException("cannot create test user " + TEST_USER + " (useradd exited " + r + "; run the tests as root)");
        }
    }

    private static int run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
