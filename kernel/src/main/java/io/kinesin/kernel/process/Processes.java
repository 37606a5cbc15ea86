package io.kinesin.kernel.process;

import io.kinesin.spi.Signal;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** Process-wide calls: who we are, signalling others, our own signal state. */
public final class Processes {

    private static final int PR_SET_CHILD_SUBREAPER = 36;
    private static final int SIG_UNBLOCK = 1;
    private static final int SIG_BLOCK = 0;
    private static final long SIG_IGN = 1;
    private static final long SIGACTION_BYTES = 256; // sizeof(struct sigaction) is 152 on x86_64

    private Processes() {
    }

    public static int pid() {
        return (int) Libc.call(Libc.Core.GETPID);
    }

    public static int processGroup() {
        return (int) Libc.call(Libc.Core.GETPGRP);
    }

    /**
     * Sets the calling thread's nice value (on Linux it is per thread, and threads it starts
     * inherit it); false if it cannot (no such call, or not allowed).
     */
    public static boolean niceThisThread(int nice) {
        if (Libc.Priority.SETPRIORITY == null) {
            return false;
        }
        return (int) Libc.call(Libc.Priority.SETPRIORITY, Libc.Priority.PRIO_PROCESS, thread(), nice) == 0;
    }

    /** The calling thread's id. */
    public static int thread() {
        if (Libc.Core.GETTID == null) {
            return threadFromProc();
        }
        return (int) Libc.call(Libc.Core.GETTID);
    }

    /** The calling thread's id without gettid (glibc < 2.30): /proc/thread-self links to {@code PID/task/TID}. */
    static int threadFromProc() {
        try {
            return Integer.parseInt(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/thread-self: " + e.getMessage(), e);
        }
    }

    /** The session this process belongs to (its leader's pid). */
    public static int session() {
        return (int) Libc.call(Libc.Core.GETSID, 0);
    }

    /**
     * Sends a signal to a process ({@code group} false) or to the process group it leads.
     *
     * @return false if no such process (or group) exists any more; other failures throw
     */
    public static boolean kill(int pid, Signal signal, boolean group) {
        if (pid <= 1) {
            throw new IllegalArgumentException("refusing to signal pid " + pid);
        }
        return send(group ? -pid : pid, signal.number(), signal.sigName());
    }

    /**
     * Whether a process exists (kill with signal 0). Also links the kill path ahead of the
     * first real signal: its first call costs about a millisecond.
     */
    public static boolean exists(int pid) {
        return send(pid, 0, "0");
    }

    private static boolean send(int target, int signal, String name) {
        if ((int) Libc.call(Libc.Core.KILL, target, signal) == 0) {
            return true;
        }
        int errno = Libc.errno();
        if (errno == Libc.ESRCH) {
            return false;
        }
        throw new NativeException("kill(" + target + ", " + name + ")", errno);
    }

    /** Makes orphaned descendants reparent to this process (what PID 1 gets for free). */
    public static void becomeSubreaper() {
        if ((int) Libc.call(Libc.Core.PRCTL, PR_SET_CHILD_SUBREAPER, 1) != 0) {
            throw new NativeException("prctl(PR_SET_CHILD_SUBREAPER)", Libc.errno());
        }
    }

    /** Whether this process ignores a signal (its disposition is SIG_IGN). */
    static boolean isIgnored(Signal signal) {
        try (Arena arena = Arena.ofConfined()) {
            return action(arena, signal).get(JAVA_LONG, 0) == SIG_IGN;
        }
    }

    /**
     * Gives {@code target} the disposition {@code source} has (handler, mask and flags), in one
     * sigaction call: {@code target} never passes through its default action on the way.
     */
    static void copyAction(Signal source, Signal target) {
        try (Arena arena = Arena.ofConfined()) {
            setAction(arena, target, action(arena, source), source.sigName() + "'s action");
        }
    }

    /** Sets a signal back to its default action. */
    static void setDefault(Signal signal) {
        try (Arena arena = Arena.ofConfined()) {
            setAction(arena, signal, arena.allocate(SIGACTION_BYTES, 16), "SIG_DFL"); // zeroed: SIG_DFL, empty mask, no flags
        }
    }

    private static MemorySegment action(Arena arena, Signal signal) {
        MemorySegment action = arena.allocate(SIGACTION_BYTES, 16);
        if ((int) Libc.call(Libc.Core.SIGACTION, signal.number(), 0, action.address()) != 0) {
            throw new NativeException("sigaction(" + signal.sigName() + ")", Libc.errno());
        }
        return action;
    }

    private static void setAction(Arena arena, Signal signal, MemorySegment action, String what) {
        if ((int) Libc.call(Libc.Core.SIGACTION, signal.number(), action.address(), 0) != 0) {
            throw new NativeException("sigaction(" + signal.sigName() + ", " + what + ")", Libc.errno());
        }
    }

    /**
     * Unblocks signals in the calling thread; threads it creates afterwards inherit that mask.
     * A mask inherited from kinesin's parent would otherwise keep those signals pending forever.
     */
    public static void unblock(Collection<Signal> signals) {
        changeMask(SIG_UNBLOCK, signals);
    }

    /** Blocks signals in the calling thread only. */
    static void block(Collection<Signal> signals) {
        changeMask(SIG_BLOCK, signals);
    }

    private static void changeMask(int how, Collection<Signal> signals) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment set = arena.allocate(Libc.SIGSET_BYTES, 8);
            Libc.call(Libc.Core.SIGEMPTYSET, set.address());
            for (Signal s : signals) {
                Libc.call(Libc.Core.SIGADDSET, set.address(), s.number());
            }
            if ((int) Libc.call(Libc.Core.SIGPROCMASK, how, set.address(), 0) != 0) {
                throw new NativeException("sigprocmask", Libc.errno());
            }
        }
    }
}
