package io.kinesin.kernel.process;

import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Signal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The only caller of {@code waitpid} in kinesin: {@code waitpid(-1, WNOHANG)} until nothing is
 * left to collect. Reaps every child, including orphans reparented to kinesin as PID 1 or as a
 * subreaper. Not thread-safe: one thread (the supervisor's) calls it, woken by SIGCHLD or its
 * tick, and the same thread sends every signal; it marks every pid of a batch dead before it
 * acts on any, so a pid is never signalled after it was reaped.
 */
public final class Reaper {

    private static final int WNOHANG = 1;
    private static final int WUNTRACED = 2;
    private static final int WCONTINUED = 8;

    private final Arena arena = Arena.ofAuto();
    private final MemorySegment status = arena.allocate(JAVA_INT);
    private final int options;
    /** Written by the one thread that calls {@link #collect}, read by any. */
    private volatile long reaped;

    /** @param untraced also report children that stopped or continued (job control) */
    public Reaper(boolean untraced) {
        this.options = WNOHANG | (untraced ? WUNTRACED | WCONTINUED : 0);
    }

    /** One change of a child's state. */
    public sealed interface Change {
        int pid();
    }

    /** The child is gone; its pid is free again. */
    public record Died(int pid, ExitStatus status) implements Change {
    }

    /** The child was stopped by a signal (only with {@code untraced}). */
    public record Stopped(int pid, Signal signal) implements Change {
    }

    /** The child was continued (only with {@code untraced}). */
    public record Continued(int pid) implements Change {
    }

    /** Collects every pending change; empty when there is none. */
    public List<Change> collect() {
        List<Change> changes = new ArrayList<>(2);
        while (true) {
            int pid = (int) Libc.call(Libc.Core.WAITPID, -1, status.address(), options);
            if (pid == 0) {
                return changes;
            }
            if (pid < 0) {
                int errno = Libc.errno();
                if (errno == Libc.EINTR) {
                    continue;
                }
                if (errno == Libc.ECHILD) {
                    return changes;
                }
                throw new NativeException("waitpid(-1)", errno);
            }
            Change change = decode(pid, status.get(JAVA_INT, 0));
            if (change instanceof Died) {
                reaped++; // one writer: the collecting thread
            }
            changes.add(change);
        }
    }

    /** Every process reaped so far: {@code kinesin_zombies_reaped_total}. */
    public long reaped() {
        return reaped;
    }

    static Change decode(int pid, int raw) {
        if (raw == 0xffff) {
            return new Continued(pid);
        }
        int low = raw & 0x7f;
        if (low == 0) {
            return new Died(pid, ExitStatus.exited((raw >> 8) & 0xff));
        }
        if (low == 0x7f) {
            return new Stopped(pid, new Signal((raw >> 8) & 0xff));
        }
        return new Died(pid, new ExitStatus.Killed(new Signal(low), (raw & 0x80) != 0));
    }
}
