package io.kinesin.kernel.process;

import io.kinesin.spi.Signal;

import java.util.List;
import java.util.Optional;

/**
 * kinesin's controlling terminal, seen through its stdin, for the {@code --} mode's job
 * control: the child becomes the terminal's foreground process group so it can read it and
 * Ctrl-C / Ctrl-Z reach it directly.
 */
public final class Terminal {

    private static final int STDIN = 0;

    private Terminal() {
    }

    /**
     * The terminal on stdin if it is kinesin's controlling terminal (tcgetpgrp works only on
     * one's own controlling terminal); empty when stdin is a file, a pipe or another terminal.
     */
    public static Optional<Terminal> ofStdin() {
        if (!Fds.isTerminal(STDIN)) {
            return Optional.empty();
        }
        return foregroundGroup() > 0 ? Optional.of(new Terminal()) : Optional.empty();
    }

    /** The terminal's foreground process group, or -1 if it cannot be read. */
    public static int foregroundGroup() {
        return (int) Libc.call(Libc.Tty.TCGETPGRP, STDIN);
    }

    /** Whether kinesin's own process group has the terminal (it is not a background job). */
    public boolean ownedByUs() {
        return foregroundGroup() == Processes.processGroup();
    }

    /**
     * Makes {@code group} the foreground process group. SIGTTOU is blocked in this thread
     * meanwhile: a background caller would otherwise be sent it (and loop, since kinesin
     * catches it).
     *
     * @return false if the group no longer exists
     */
    public boolean giveTo(int group) {
        List<Signal> ttou = List.of(Signal.TTOU);
        Processes.block(ttou);
        try {
            if ((int) Libc.call(Libc.Tty.TCSETPGRP, STDIN, group) == 0) {
                return true;
            }
            int errno = Libc.errno();
            if (errno == Libc.EPERM || errno == Libc.ESRCH || errno == Libc.ENOTTY) {
                return false;
            }
            throw new NativeException("tcsetpgrp(" + group + ")", errno);
        } finally {
            Processes.unblock(ttou);
        }
    }

    /** Takes the terminal back for kinesin's own process group. */
    public void takeBack() {
        giveTo(Processes.processGroup());
    }
}
