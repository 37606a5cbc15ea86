package io.kinesin.it;

import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.kinesin.it.Children.concat;
import static io.kinesin.it.Children.lines;
import static io.kinesin.it.Children.signalReporter;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code --} mode is tini's (INTERFACE.md v2 section 1): the same scenarios run under the
 * real tini (Debian's package, installed by .ci/run) and under kinesin, side by side.
 */
class TiniModeIT {

    static final String TINI = "/usr/bin/tini";
    /** {@code tini -s --} (subreaper, like kinesin when not PID 1) or {@code kinesin --}. */
    private static Kinesin under(boolean tini, List<String> child) {
        List<String> c = new ArrayList<>(tini ? List.of(TINI, "-s", "--") : List.of(Kinesin.BIN.toString(), "--"));
        c.addAll(child);
        return Kinesin.command(c);
    }

    @Test
    void aChildIgnoringTermKeepsRunningAndGetsEveryTerm(@TempDir Path dir) throws Exception {
        assertThat(Path.of(TINI)).as("tini, installed by .ci/run").isExecutable();
        Path[] out = {dir.resolve("tini"), dir.resolve("kinesin")};
        Kinesin.Running[] runs = new Kinesin.Running[2];
        for (int k = 0; k < 2; k++) {
            runs[k] = under(k == 0, signalReporter(out[k], "TERM")).start();
        }
        // the clock: a kinesin that opted into a ladder, whose escalation marks the moment by
        // which the old default (TERM, 2s, KILL) would have escalated too
        Path laddered = dir.resolve("laddered");
        Kinesin.Running clock = Kinesin.args(concat(new String[] {"-k", "TERM,KILL", "-t", "2s", "--"},
                signalReporter(laddered, "TERM"))).start();
        for (int k = 0; k < 2; k++) {
            Children.awaitReady(out[k]);
        }
        Children.awaitReady(laddered);
        for (int k = 0; k < 2; k++) {
            runs[k].signal(Signal.TERM);
        }
        clock.signal(Signal.TERM);
        for (int k = 0; k < 2; k++) {
            Path o = out[k];
            Eventually.until("TERM reached the child", () -> lines(o).contains("TERM"));
        }
        assertThat(clock.await(Kinesin.DEFAULT_TIMEOUT).status()).as("the laddered one KILLed its child").isEqualTo(137);
        for (int k = 0; k < 2; k++) {
            Path o = out[k];
            assertThat(runs[k].alive()).as("%s still waits for its child", o.getFileName()).isTrue();
            runs[k].signal(Signal.TERM);
            Eventually.until("the second TERM reached the child",
                    () -> lines(o).stream().filter("TERM"::equals).count() == 2);
        }
        List<Integer> statuses = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            int child = Children.awaitReady(out[k]);
            io.kinesin.kernel.process.Processes.kill(child, Signal.KILL, false);
            statuses.add(runs[k].await(Kinesin.DEFAULT_TIMEOUT).status());
        }
        assertThat(statuses).as("tini, kinesin").containsExactly(137, 137);
    }

    @Test
    void lingeringDescendantsDoNotHoldUpTheExit(@TempDir Path dir) throws Exception {
        List<Integer> statuses = new ArrayList<>();
        List<Integer> stubborn = new ArrayList<>();
        try {
            for (boolean tini : new boolean[] {true, false}) {
                Path pidFile = dir.resolve("stubborn-" + tini);
                Kinesin.Running k = under(tini, List.of("sh", "-c",
                        "(trap '' TERM; exec sleep 100) & echo $! > " + pidFile + ".tmp; mv " + pidFile + ".tmp " + pidFile
                                + "; exit 4")).start();
                Eventually.until("the child forked its descendant", () -> Files.exists(pidFile));
                long t0 = System.nanoTime();
                statuses.add(k.await(Kinesin.DEFAULT_TIMEOUT).status());
                Duration exitAfter = Duration.ofNanos(System.nanoTime() - t0);
                stubborn.add(Integer.parseInt(Files.readString(pidFile).trim()));
                assertThat(exitAfter).as("exit at once, not after a ladder (tini=%s)", tini).isLessThan(Duration.ofMillis(1500));
                assertThat(Procs.exists(stubborn.getLast())).as("a descendant ignoring TERM survives outside a PID namespace")
                        .isTrue();
            }
        } finally {
            stubborn.forEach(p -> io.kinesin.kernel.process.Processes.kill(p, Signal.KILL, false));
        }
        assertThat(statuses).as("the child's status (tini, kinesin)").containsExactly(4, 4);
    }

    @Test
    void orphansGetTermAndAsPid1TheKernelEndsTheRest(@TempDir Path dir) throws Exception {
        Path plain = dir.resolve("plain.pid");
        Kinesin.Result r = Kinesin.args("--", "sh", "-c", "sleep 100 & echo $! > " + plain + "; exit 4").run();
        assertThat(r.status()).isEqualTo(4);
        int orphan = Integer.parseInt(Files.readString(plain).trim());
        Eventually.until("the orphan sleep got TERM", () -> !Procs.exists(orphan));

        Kinesin.Result pid1 = Kinesin.args("--", "sh", "-c", "(trap '' TERM; exec sleep 4321.5) & exit 5").asPid1().run();
        assertThat(pid1.status()).isEqualTo(5);
        Eventually.until("the kernel ended the namespace's last process", () -> !anyProcessRuns("sleep", "4321.5"));
    }

    private static boolean anyProcessRuns(String... argv) {
        String wanted = String.join("\0", argv) + "\0";
        for (Procs.Stat s : Procs.all()) {
            try {
                if (Files.readString(Path.of("/proc/" + s.pid() + "/cmdline"), java.nio.charset.StandardCharsets.ISO_8859_1)
                        .equals(wanted) && Procs.exists(s.pid())) {
                    return true;
                }
            } catch (java.io.IOException e) {
                // gone meanwhile
            }
        }
        return false;
    }
}
