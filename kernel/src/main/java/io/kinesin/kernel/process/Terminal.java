package io.kinesin.kernel.process;

import io.kinesin.spi.Signal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
        try {
            if ((int) Libc.Tty.ISATTY.invokeExact(STDIN) != 1) {
                return Optional.empty();
            }
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        return foregroundGroup() > 0 ? Optional.of(new Terminal()) : Optional.empty();
    }

    /** The terminal's foreground process group, or -1 if it cannot be read. */
    public static int foregroundGroup() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            return (int) Libc.Tty.TCGETPGRP.invokeExact(state, STDIN);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
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
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Libc.CALL_STATE);
            int r = (int) Libc.Tty.TCSETPGRP.invokeExact(state, STDIN, group);
            if (r == 0) {
                return true;
            }
            int errno = Libc.errno(state);
            if (errno == Libc.EPERM || errno == Libc.ESRCH || errno == Libc.ENOTTY) {
                return false;
            }
            throw new NativeException("tcsetpgrp(" + group + ")", errno);
        } catch (NativeException e) {
            throw e;
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        } finally {
            Processes.unblock(ttou);
        }
    }

    /** Takes the terminal back for kinesin's own process group. */
    public void takeBack() {
        giveTo(Processes.processGroup());
    }
}
