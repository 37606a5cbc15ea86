package io.kinesin.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kinesin as PID 1 of a real OCI container (INTERFACE.md v2 section 6): runc, a Debian root
 * file system mounted read-only with no {@code /tmp}, the install tree (with its own Java
 * runtime) at {@code /opt/kinesin}, runc's default capabilities. One container per scenario.
 * Skipped, saying why, where runc, root or namespaces are missing.
 */
class RuncIT {

    private static final String KINESIN = Runc.INSTALL + "/bin/kinesin";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path state;
    private static Runc runc;

    @BeforeAll
    static void runcAndARootFileSystem() throws Exception {
        runc = Runc.ready(state);
    }

    @Test
    void dashModeForwardsTermToAChildThatIgnoresItAndWaitsForIt(@TempDir Path files) throws Exception {
        // tini's semantics: no escalation; the runtime's stop timeout decides when to KILL
        try (Runc.Container c = runc.start("ignores-term", files, List.of(KINESIN, "--", "/bin/sh", "-c",
                "trap '' TERM; echo ready under $PPID; sleep 2; echo survived; exit 7"))) {
            c.awaitOutput("ready under 1\n");
            long sent = System.nanoTime();
            c.kill("TERM");
            assertThat(c.await(TIMEOUT)).as(c.toString()).isEqualTo(7);
            assertThat(c.stdout()).contains("survived\n");
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("kinesin waited for the child").isGreaterThan(Duration.ofSeconds(1));
        }
    }

    @Test
    void dashModeReapsOrphansOnAReadOnlyRootWithoutTmp(@TempDir Path files) throws Exception {
        // 20 orphans (their parent subshell exits at once) are adopted by PID 1 and must not stay zombies
        String script = """
                for i in $(seq 20); do (sleep 0.3 &) ; done
                o=$( (sleep 0.3 > /dev/null & echo $!) )
                sleep 0.1
                echo "orphan's parent: $(cut -d ' ' -f 4 /proc/$o/stat)"
                sleep 1
                echo "zombies: $(cat /proc/[0-9]*/stat 2>/dev/null | grep -c ') Z ')"
                [ -e /proc/$o ] && echo "orphan left" || echo "orphan reaped"
                [ -e /tmp ] && echo "has /tmp" || echo "no /tmp"
                touch /opt/kinesin/x /x 2>/dev/null && echo "writable" || echo "read-only"
                grep CapEff /proc/1/status
                """;
        try (Runc.Container c = runc.start("orphans", files, List.of(KINESIN, "--", "/bin/sh", "-c", script))) {
            assertThat(c.await(TIMEOUT)).as(c.toString()).isZero();
            assertThat(c.stdout()).contains("orphan's parent: 1\n", "zombies: 0\n", "orphan reaped\n", "no /tmp\n", "read-only\n",
                    // AUDIT_WRITE, KILL, NET_BIND_SERVICE: runc's defaults
                    "CapEff:\t0000000020000420\n");
            assertThat(c.stderr()).as("nothing went wrong").isEmpty();
        }
    }

    @Test
    void runWithTwoServicesStopsBothOnTermWithTheFailingOnesStatus(@TempDir Path files) throws Exception {
        // web dies of the ladder's TERM (not a failure); worker exits 3 on TERM: the status is 3
        Files.writeString(files.resolve("kinesin.yaml"), """
                services:
                  web:
                    command: [/bin/sh, -c, "echo web up; exec sleep 1000"]
                  worker:
                    command: [/bin/sh, -c, "trap 'echo worker got TERM; exit 3' TERM; echo worker up; while :; do sleep 0.1; done"]
                """);
        try (Runc.Container c = runc.start("run", files, List.of(KINESIN, "run", Runc.FILES + "/kinesin.yaml"))) {
            c.awaitOutput("web up");
            c.awaitOutput("worker up");
            long sent = System.nanoTime();
            c.kill("TERM");
            assertThat(c.await(TIMEOUT)).as(c.toString()).isEqualTo(3);
            assertThat(c.stdout()).contains("worker got TERM");
            assertThat(Duration.ofNanos(System.nanoTime() - sent)).as("both stopped at the ladder's first step, not its 10 s timeout")
                    .isLessThan(Duration.ofSeconds(5));
        }
    }
}
