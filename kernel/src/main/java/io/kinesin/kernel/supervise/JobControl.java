package io.kinesin.kernel.supervise;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Processes;
import io.kinesin.kernel.process.Terminal;
import io.kinesin.spi.Signal;

/**
 * Terminal job control for the {@code --} mode when kinesin runs on its controlling
 * terminal: the child gets the terminal as its own foreground process group, so it reads the
 * terminal and Ctrl-C / Ctrl-Z go straight to it (tini's approach). When the child stops,
 * kinesin stops too, so the shell that started kinesin gets the terminal back and can resume
 * the pair with {@code fg}. Without such a shell nobody could resume the pair, so kinesin
 * continues the child at once rather than leave the terminal wedged: when it is PID 1, leads
 * the terminal's session itself ({@code docker run -t}, {@code script -c}), or was not made a
 * job of its own (it does not lead its process group).
 */
final class JobControl {

    private final Terminal terminal;
    private final Log log;
    private final boolean resumableByShell;
    private int child;
    private boolean childStopped;

    JobControl(Terminal terminal, Log log) {
        this.terminal = terminal;
        this.log = log;
        int pid = Processes.pid();
        this.resumableByShell = pid != 1 && Processes.processGroup() == pid && Processes.session() != pid;
    }

    /** The child was just spawned in its own process group. */
    void spawned(int pid) {
        child = pid;
        // A background kinesin (`kinesin -- cmd &`) leaves the terminal to the shell; the
        // child stops on its first read, kinesin stops with it, and `fg` hands it over.
        if (terminal.ownedByUs()) {
            terminal.giveTo(pid);
        }
    }

    void stopped(int pid, Signal signal) {
        if (pid != child) {
            return;
        }
        boolean byTerminalAccess = signal.equals(Signal.TTIN) || signal.equals(Signal.TTOU);
        if (byTerminalAccess && Terminal.foregroundGroup() == child) {
            // It read the terminal before kinesin handed it over: continue it.
            Processes.kill(child, Signal.CONT, true);
            return;
        }
        if (!resumableByShell) {
            log.debug("child stopped; continuing it (no job-control shell to resume it)", "pid", pid, "signal", signal.sigName());
            Processes.kill(child, Signal.CONT, true);
            return;
        }
        childStopped = true;
        if (Terminal.foregroundGroup() == child) {
            terminal.takeBack();
        }
        log.debug("child stopped; stopping too", "pid", pid, "signal", signal.sigName());
        Processes.kill(Processes.pid(), Signal.STOP, false);
    }

    /** kinesin got SIGCONT (after {@code fg}): give the terminal back to a stopped child and continue it. */
    void continued() {
        if (!childStopped || child == 0) {
            return;
        }
        childStopped = false;
        if (terminal.ownedByUs()) {
            terminal.giveTo(child);
        }
        Processes.kill(child, Signal.CONT, true);
    }

    void died(int pid) {
        if (pid == child) {
            if (Terminal.foregroundGroup() == child) {
                terminal.takeBack();
            }
            child = 0;
        }
    }
}
