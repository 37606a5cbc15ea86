package io.kinesin.it;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code --} mode on a terminal: util-linux {@code script} gives kinesin a pseudo-terminal
 * as its controlling terminal, and the test types into it (Ctrl-C is byte 3, Ctrl-Z byte 26).
 */
class TerminalIT {

    private static final String CTRL_C = "\u0003";
    private static final String CTRL_Z = "\u001a";

    /** bash's prompt in these tests: typing before it shows would be flushed by readline. */
    private static final String PROMPT = "kinesin-it$ ";

    private static Kinesin.Running onTerminal(String command) throws IOException {
        return Kinesin.command(List.of("script", "-qefc", command, "/dev/null")).pipedStdin().start();
    }

    /** An interactive bash with {@link #PROMPT} as its prompt. */
    private static String bash() throws IOException {
        Path rc = Files.createTempFile("kinesin-it-bashrc", "");
        Files.writeString(rc, "PS1='" + PROMPT + "'\n");
        return "bash --noprofile --rcfile " + rc + " -i";
    }

    /** Waits until the terminal has shown {@code text} {@code times} times in all. */
    private static void awaitShown(Kinesin.Running t, String text, int times) throws InterruptedException {
        Eventually.until("\"" + text + "\" shown " + times + " times", () -> {
            try {
                String out = t.stdoutSoFar();
                int n = 0;
                for (int i = out.indexOf(text); i >= 0; i = out.indexOf(text, i + 1)) {
                    n++;
                }
                return n >= times;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Waits until kinesin has handed the terminal to its child {@code comm}: typing reaches the child from then on. */
    private static void awaitForeground(Kinesin.Running t, String comm) throws InterruptedException {
        Eventually.until(comm + " owns the terminal", () -> descendant(t, comm)
                .map(s -> Procs.stat(s.pid()) != null && Procs.stat(s.pid()).tpgid() == s.pgrp()).orElse(false));
    }

    private static Optional<Procs.Stat> descendant(Kinesin.Running r, String comm) {
        return Procs.descendantsOf(r.pid()).stream().filter(s -> s.comm().equals(comm)).findFirst();
    }

    @Test
    void ctrlCReachesTheChildAndKinesinExits130() throws Exception {
        Kinesin.Running t = onTerminal(Kinesin.BIN + " -- sleep 100");
        Eventually.until("sleep runs", () -> descendant(t, "sleep").isPresent());
        Procs.Stat sleep = descendant(t, "sleep").orElseThrow();
        assertThat(Procs.stat(sleep.pid()).pgrp()).as("the child has its own process group").isEqualTo(sleep.pid());
        t.type(CTRL_C);
        assertThat(t.await(Kinesin.DEFAULT_TIMEOUT).status()).isEqualTo(130);
    }

    @Test
    void ctrlZWithoutAJobControlShellAboveDoesNotWedgeTheTerminal() throws Exception {
        // script(1) makes kinesin the terminal's session leader: no shell could resume it
        Path out = Files.createTempDirectory("kinesin-tty-").resolve("signals");
        Kinesin.Running t = onTerminal(Kinesin.BIN + " -- " + String.join(" ", Children.signalReporter(out, "CONT")));
        Children.awaitReady(out);
        awaitForeground(t, "perl");
        t.type(CTRL_Z);
        Eventually.until("the stopped child was continued", () -> Children.lines(out).contains("CONT"));
        assertThat(descendant(t, "perl").orElseThrow().state()).as("continued").isNotEqualTo('T');
        assertThat(descendant(t, "java").orElseThrow().state()).isNotEqualTo('T');
        t.type(CTRL_C);
        assertThat(t.await(Kinesin.DEFAULT_TIMEOUT).status()).isEqualTo(130);
    }

    @Test
    void theChildReadsTheTerminal() throws Exception {
        Kinesin.Running t = onTerminal(Kinesin.BIN + " -- sh -c 'read line; echo \"got:$line\"; exit 3'");
        awaitForeground(t, "sh");
        t.type("hello\n");
        Kinesin.Result r = t.await(Kinesin.DEFAULT_TIMEOUT);
        assertThat(r.stdout()).contains("got:hello");
        assertThat(r.status()).isEqualTo(3);
    }

    @Test
    void anInteractiveShellUnderKinesinHasJobControl() throws Exception {
        Kinesin.Running t = onTerminal(Kinesin.BIN + " -- " + bash());
        awaitShown(t, PROMPT, 1);
        t.type("sleep 100\n");
        Eventually.until("sleep runs", () -> descendant(t, "sleep").isPresent());
        t.type(CTRL_Z);
        Eventually.until("sleep stopped by Ctrl-Z", () -> descendant(t, "sleep").map(s -> s.state() == 'T').orElse(false));
        awaitShown(t, PROMPT, 2);
        t.type("kill -9 %1\n");
        // bash reaps it when it next looks, so it may linger as a zombie meanwhile
        Eventually.until("sleep killed", () -> descendant(t, "sleep").map(s -> s.state() == 'Z').orElse(true));
        awaitShown(t, PROMPT, 3);
        // `jobs` makes bash notice the job is gone; exit would otherwise refuse ("There are stopped jobs")
        t.type("jobs >/dev/null; exit 7\n");
        Kinesin.Result r = t.await(Kinesin.DEFAULT_TIMEOUT);
        assertThat(r.stdout()).contains("Stopped");
        assertThat(r.status()).isEqualTo(7);
    }

    @Test
    void ctrlZStopsKinesinWithItsChildAndFgResumesBoth() throws Exception {
        Kinesin.Running t = onTerminal(bash());
        awaitShown(t, PROMPT, 1);
        t.type(Kinesin.BIN + " -- sleep 100\n");
        awaitForeground(t, "sleep");
        t.type(CTRL_Z);
        Eventually.until("kinesin and sleep stopped", () -> descendant(t, "sleep").map(s -> s.state() == 'T').orElse(false)
                && descendant(t, "java").map(s -> s.state() == 'T').orElse(false));
        awaitShown(t, PROMPT, 2);
        t.type("fg\n");
        Eventually.until("both running again", () -> descendant(t, "sleep").map(s -> s.state() != 'T').orElse(false)
                && descendant(t, "java").map(s -> s.state() != 'T').orElse(false));
        awaitForeground(t, "sleep");
        t.type(CTRL_C);
        Eventually.until("kinesin gone", () -> descendant(t, "java").isEmpty());
        awaitShown(t, PROMPT, 3);
        t.type("echo status=$?; exit\n");
        Kinesin.Result r = t.await(Kinesin.DEFAULT_TIMEOUT);
        assertThat(r.stdout()).contains("Stopped").contains("status=130");
    }
}
