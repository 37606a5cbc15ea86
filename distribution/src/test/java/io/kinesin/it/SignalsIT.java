package io.kinesin.it;

import io.kinesin.kernel.process.Processes;
import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.kinesin.it.Children.concat;
import static io.kinesin.it.Children.lines;
import static io.kinesin.it.Children.signalReporter;
import static org.assertj.core.api.Assertions.assertThat;

/** Signal forwarding, the termination ladder and adopted orphans (INTERFACE.md section 1). */
class SignalsIT {

    private static final List<String> FORWARDED = List.of("HUP", "USR1", "USR2", "WINCH", "ALRM", "URG", "XCPU", "XFSZ",
            "VTALRM", "PROF", "SYS", "TRAP", "ABRT", "STKFLT", "IO", "PWR", "CONT", "TSTP", "TTIN", "TTOU");

    @Test
    void everyForwardableSignalReachesTheChild(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("signals");
        Kinesin.Running k = Kinesin.args(concat(new String[] {"--"}, signalReporter(out, FORWARDED.toArray(String[]::new))))
                .start();
        Children.awaitReady(out);
        for (String name : FORWARDED) {
            k.signal(Signal.parse(name));
            Eventually.until(name + " forwarded", () -> lines(out).contains(name));
        }
        k.signal(Signal.TERM);
        Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT);
        assertThat(r.status()).as("the reporter dies of the ladder's TERM: %s", r).isEqualTo(143);
        assertThat(lines(out)).hasSize(FORWARDED.size() + 1);
    }

    @Test
    void intIsForwardedAndWithALadderTheLadderFollows(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("signals");
        Kinesin.Running k = Kinesin.args(concat(new String[] {"-k", "TERM,KILL", "-t", "300ms", "--"}, signalReporter(out, "INT")))
                .start();
        Children.awaitReady(out);
        k.signal(Signal.INT);
        Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT);
        assertThat(lines(out)).contains("INT");
        assertThat(r.status()).as("survived INT, then TERM after -t: %s", r).isEqualTo(143);

        Kinesin.Running plain = Kinesin.args("--", "sleep", "100").start();
        Eventually.until("sleep runs", () -> !Procs.childrenOf(plain.pid()).isEmpty());
        plain.signal(Signal.INT);
        assertThat(plain.await(Kinesin.DEFAULT_TIMEOUT).status()).as("Ctrl-C reaches the child").isEqualTo(130);
    }

    @Test
    void signalsGoToTheChildsProcessGroupUnlessNoGroup(@TempDir Path dir) throws Exception {
        for (boolean group : new boolean[] {true, false}) {
            Path child = dir.resolve("child-" + group);
            Path grandchild = dir.resolve("grandchild-" + group);
            String reporter = String.join(" ", signalReporter(grandchild, "HUP", "USR2"));
            String[] args = concat(group ? new String[] {"--"} : new String[] {"--no-group", "--"},
                    List.of("sh", "-c", reporter + " & exec " + String.join(" ", signalReporter(child, "HUP", "TERM"))));
            Kinesin.Running k = Kinesin.args(args).start();
            Children.awaitReady(child);
            int grandchildPid = Children.awaitReady(grandchild);
            k.signal(Signal.HUP);
            Eventually.until("child got HUP", () -> lines(child).contains("HUP"));
            // a marker sent after: perl handles pending signals in number order, so a HUP
            // forwarded before it is in the file by the time the marker is
            Processes.kill(grandchildPid, Signal.USR2, false);
            Eventually.until("grandchild got the marker", () -> lines(grandchild).contains("USR2"));
            assertThat(lines(grandchild).contains("HUP")).as("grandchild in the child's group got HUP (group=%s)", group)
                    .isEqualTo(group);
            k.signal(Signal.INT);
            k.signal(Signal.INT);
            k.await(Kinesin.DEFAULT_TIMEOUT);
            Eventually.until("grandchild (an orphan by now) stopped", () -> Procs.descendantsOf(k.pid()).isEmpty());
        }
    }

    @Test
    void rewriteAndDrop(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("signals");
        Kinesin.Running k = Kinesin.args(concat(new String[] {"-r", "USR1:USR2", "-r", "HUP:0", "--"},
                signalReporter(out, "USR1", "USR2", "HUP", "WINCH"))).start();
        Children.awaitReady(out);
        k.signal(Signal.USR1);
        k.signal(Signal.HUP);
        Eventually.until("USR2 arrives for USR1", () -> lines(out).contains("USR2"));
        k.signal(Signal.WINCH);
        Eventually.until("WINCH", () -> lines(out).contains("WINCH"));
        assertThat(lines(out)).doesNotContain("USR1", "HUP");
        k.signal(Signal.TERM);
        k.await(Kinesin.DEFAULT_TIMEOUT);
    }

    @Test
    void onlyTheSignalsOfDashSAreForwardedAndTheOthersDoNotKillKinesin(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("signals");
        Kinesin.Running k = Kinesin.args(concat(new String[] {"-s", "USR1", "--"}, signalReporter(out, "USR1", "HUP"))).start();
        Children.awaitReady(out);
        k.signal(Signal.HUP);
        k.signal(Signal.USR1);
        // HUP (1) would be pending before USR1 (10) and handled first: once USR1 is in, HUP is not coming
        Eventually.until("USR1", () -> lines(out).contains("USR1"));
        assertThat(lines(out)).doesNotContain("HUP");
        assertThat(k.alive()).isTrue();
        k.signal(Signal.TERM);
        assertThat(k.await(Kinesin.DEFAULT_TIMEOUT).status()).isEqualTo(143);
    }

    @Test
    void withALadderAChildIgnoringTermIsKilledAfterTheTimeout() throws Exception {
        Kinesin.Running k = Kinesin.args("-k", "TERM,KILL", "-t", "500ms", "--", "sh", "-c", "trap '' TERM; sleep 100").start();
        Eventually.until("child runs", () -> Procs.descendantsOf(k.pid()).size() == 2);
        long t0 = System.nanoTime();
        k.signal(Signal.TERM);
        Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT);
        assertThat(r.status()).isEqualTo(137);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aCustomLadderIsSentInOrder(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("signals");
        Kinesin.Running k = Kinesin.args(concat(new String[] {"-k", "USR1", "-k", "HUP,KILL", "-t", "200ms", "--"},
                signalReporter(out, "USR1", "HUP", "TERM"))).start();
        Children.awaitReady(out);
        k.signal(Signal.TERM);
        Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT);
        assertThat(r.status()).isEqualTo(137);
        assertThat(lines(out).subList(1, lines(out).size())).containsExactly("USR1", "HUP");
    }

    @Test
    void aSecondTermSkipsToTheNextStep(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("signals");
        Kinesin.Running k = Kinesin.args(concat(new String[] {"-k", "TERM,KILL", "-t", "60s", "--"}, signalReporter(out, "TERM")))
                .start();
        Children.awaitReady(out);
        k.signal(Signal.TERM);
        // two TERMs sent at once may arrive as one: the second goes once the first has done its work
        Eventually.until("the child got the ladder's TERM", () -> lines(out).contains("TERM"));
        k.signal(Signal.TERM);
        assertThat(k.await(Duration.ofSeconds(20)).status()).as("KILLed well before the 60s step").isEqualTo(137);
    }

    @Test
    void withALadderAdoptedOrphansGetItToTheEndWhenTheChildIsGone(@TempDir Path dir) throws Exception {
        Path stubborn = dir.resolve("stubborn.pid");
        long t0 = System.nanoTime();
        Kinesin.Result r = Kinesin.args("-k", "TERM,KILL", "-t", "300ms", "--", "sh", "-c",
                "(trap '' TERM; exec sleep 100) & echo $! > " + stubborn).run();
        assertThat(r.status()).isZero();
        int pid = Integer.parseInt(Files.readString(stubborn).trim());
        Eventually.until("stubborn orphan KILLed after TERM", () -> !Procs.exists(pid));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void signalsIgnoredWhenKinesinStartedAreStillHandled(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("signals");
        String reporter = String.join(" ", signalReporter(out, "HUP", "INT"));
        Kinesin.Running k = Kinesin.command(List.of("sh", "-c",
                "trap '' HUP INT TERM; exec " + Kinesin.BIN + " -t 300ms -- " + reporter)).start();
        Children.awaitReady(out);
        k.signal(Signal.HUP);
        Eventually.until("HUP forwarded", () -> lines(out).contains("HUP"));
        k.signal(Signal.TERM);
        assertThat(k.await(Kinesin.DEFAULT_TIMEOUT).status()).isEqualTo(143);
    }

    @Test
    void signalsSentWhileKinesinStartsDoNotKillIt() throws Exception {
        // -s WINCH: kinesin catches HUP and USR1 but does not forward them, so the child lives to exit 7
        Kinesin.Running k = Kinesin.args("-s", "WINCH", "--", "sh", "-c", "echo started; read line; exit 7").pipedStdin().start();
        // What remains open: sh starting up, before the launcher's first command
        Eventually.until("the launcher runs", () -> ignores(k.pid(), Signal.HUP, Signal.USR1) || isJava(k.pid()));
        int sent = 0;
        while (!k.stdoutSoFar().contains("started")) {
            for (int i = 0; i < 50; i++) {
                if (!Processes.kill(k.pid(), Signal.USR1, false) || !Processes.kill(k.pid(), Signal.HUP, false)) {
                    break;
                }
                sent += 2;
            }
            assertThat(k.alive()).as("kinesin alive after %d signals; %s", sent, k.stderrSoFar()).isTrue();
        }
        k.type("\n");
        Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT);
        assertThat(r.status()).as("the child's status after %d signals: %s", sent, r).isEqualTo(7);
        assertThat(sent).isPositive();
    }

    private static boolean ignores(int pid, Signal... signals) {
        long ignored = Long.parseLong(procStatus(pid, "SigIgn:"), 16);
        return java.util.Arrays.stream(signals).allMatch(s -> (ignored & (1L << (s.number() - 1))) != 0);
    }

    private static boolean isJava(int pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/exe")).getFileName().toString().equals("java");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static String procStatus(int pid, String field) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                    .filter(l -> l.startsWith(field)).findFirst().orElseThrow().substring(field.length()).strip();
        } catch (java.io.IOException e) {
            return "0";
        }
    }
}
