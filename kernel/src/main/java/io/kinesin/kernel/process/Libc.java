package io.kinesin.kernel.process;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The glibc calls kinesin makes, bound with the FFM API (Java 22+). Nothing outside this
 * package sees a {@link MemorySegment}: callers use {@link Spawner}, {@link Reaper},
 * {@link Terminal}, {@link Fds}, {@link Poller}.
 *
 * <p>Why FFM and not jnr-ffi: on this machine's JDK 25 a spawn through FFM starts in half
 * the time of the same spawn through jnr-ffi (0.06 s vs 0.11 s with an AOT cache), uses
 * 9 MB less RSS, and needs no native stub extracted into {@code /tmp} (which fails on a
 * read-only or noexec {@code /tmp}, common in hardened containers).
 *
 * <p>Handles are grouped in holder classes so a mode links only what it calls.
 */
final class Libc {

    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LIBC = LINKER.defaultLookup();
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    // errno values used by name (Linux, all architectures kinesin runs on)
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EINTR = 4;
    static final int EBADF = 9;
    static final int ECHILD = 10;
    static final int EAGAIN = 11;
    static final int EPIPE = 32;
    static final int EACCES = 13;
    static final int ENOTDIR = 20;
    static final int ENOEXEC = 8;
    static final int ENOTTY = 25;

    static final int SIGSET_BYTES = 128;

    private Libc() {
    }

    /** A function kinesin cannot do without: it must be listed in {@link Glibc#REQUIRED}, checked at start-up. */
    static MethodHandle bind(String name, FunctionDescriptor fd, Linker.Option... options) {
        if (!Glibc.REQUIRED.contains(name)) {
            throw new IllegalStateException(name + " is bound as required but not listed in Glibc.REQUIRED");
        }
        return LINKER.downcallHandle(symbol(name).orElseThrow(() -> new UnsatisfiedLinkError(Glibc.missing(name))), fd, options);
    }

    /** A function newer than {@link Glibc#MINIMUM}, for a caller that has a fallback: null if this glibc lacks it. */
    static MethodHandle optional(String name, FunctionDescriptor fd, Linker.Option... options) {
        return symbol(name).map(s -> LINKER.downcallHandle(s, fd, options)).orElse(null);
    }

    static Optional<MemorySegment> symbol(String name) {
        return LIBC.find(name);
    }

    /** A function that reports failure in errno: the handle takes the call-state segment first. */
    static MethodHandle bindErrno(String name, FunctionDescriptor fd) {
        return bind(name, fd, CAPTURE_ERRNO);
    }

    static FunctionDescriptor ints(int count) {
        ValueLayout[] args = new ValueLayout[count];
        java.util.Arrays.fill(args, JAVA_INT);
        return FunctionDescriptor.of(JAVA_INT, args);
    }

    static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }

    /** Calls kinesin makes in every mode. */
    static final class Core {
        static final MethodHandle GETPID = bind("getpid", FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle GETPGRP = bind("getpgrp", FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle GETSID = bind("getsid", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        /** glibc 2.30+; {@link Processes#thread()} falls back to /proc/thread-self. */
        static final MethodHandle GETTID = optional("gettid", FunctionDescriptor.of(JAVA_INT));
        static final MethodHandle KILL = bindErrno("kill", ints(2));
        static final MethodHandle WAITPID = bindErrno("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle PRCTL = bindErrno("prctl",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
        static final MethodHandle SIGACTION = bindErrno("sigaction", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle SIGEMPTYSET = bind("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle SIGFILLSET = bind("sigfillset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle SIGADDSET = bind("sigaddset", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        /** Not pthread_sigmask (in libc only since glibc 2.32); glibc's sigprocmask also sets the calling thread's mask only. */
        static final MethodHandle SIGPROCMASK = bindErrno("sigprocmask", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle ACCESS = bindErrno("access", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

        private Core() {
        }
    }

    /** posix_spawn and its attribute/file-action setters. */
    static final class Spawn {
        static final MethodHandle SPAWN = bind("posix_spawn",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
        static final MethodHandle ATTR_INIT = bind("posix_spawnattr_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle ATTR_DESTROY = bind("posix_spawnattr_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle ATTR_SETFLAGS = bind("posix_spawnattr_setflags", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_SHORT));
        static final MethodHandle ATTR_SETSIGMASK = bind("posix_spawnattr_setsigmask", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle ATTR_SETSIGDEFAULT = bind("posix_spawnattr_setsigdefault", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle ATTR_SETPGROUP = bind("posix_spawnattr_setpgroup", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle FA_INIT = bind("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle FA_DESTROY = bind("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final MethodHandle FA_ADDDUP2 = bind("posix_spawn_file_actions_adddup2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        static final MethodHandle FA_ADDOPEN = bind("posix_spawn_file_actions_addopen",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        static final MethodHandle FA_ADDCLOSE = bind("posix_spawn_file_actions_addclose", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle FA_ADDCHDIR = bind("posix_spawn_file_actions_addchdir_np", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        /** glibc 2.34+; older glibc closes the inherited fds one by one. */
        static final MethodHandle FA_ADDCLOSEFROM = optional("posix_spawn_file_actions_addclosefrom_np",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));

        static final short SETPGROUP = 0x02;
        static final short SETSIGDEF = 0x04;
        static final short SETSIGMASK = 0x08;
        static final short SETSID = 0x80;
        static final long ATTR_BYTES = 512; // sizeof(posix_spawnattr_t) is 336 on x86_64 and aarch64
        static final long FILE_ACTIONS_BYTES = 128; // 80

        private Spawn() {
        }
    }

    /** Thread priority: only the HTTP endpoint links this, to run its threads below the loop's. */
    static final class Priority {
        static final MethodHandle SETPRIORITY = optional("setpriority", ints(3));
        static final int PRIO_PROCESS = 0;

        private Priority() {
        }
    }

    /** Terminal (job control) calls: only the {@code --} mode on a terminal links these. */
    static final class Tty {
        static final MethodHandle ISATTY = bind("isatty", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        static final MethodHandle TCGETPGRP = bindErrno("tcgetpgrp", ints(1));
        static final MethodHandle TCSETPGRP = bindErrno("tcsetpgrp", ints(2));

        private Tty() {
        }
    }

    /** Pipes and fds, for the log pump. */
    static final class Io {
        static final MethodHandle PIPE2 = bindErrno("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle READ = bindErrno("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
        /**
         * read(2) straight into a Java array: a critical call (no thread-state change, heap
         * memory allowed), for a read that cannot block, on a pipe that poll(2) said has data.
         * No errno: a failure is retried with {@link #READ}.
         */
        static final MethodHandle READ_INTO_HEAP = bind("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG),
                Linker.Option.critical(true));
        static final MethodHandle WRITE = bindErrno("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
        static final MethodHandle CLOSE = bindErrno("close", ints(1));
        static final MethodHandle POLL = bindErrno("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        static final MethodHandle EVENTFD = bindErrno("eventfd", ints(2));
        static final MethodHandle OPEN = bindErrno("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));

        static final int O_RDONLY = 0;
        static final int O_WRONLY = 1;
        static final int O_RDWR = 2;
        static final int O_CREAT = 0100;
        static final int O_APPEND = 02000;
        static final int O_NONBLOCK = 04000;
        static final int O_CLOEXEC = 02000000;
        static final int EFD_CLOEXEC = 02000000;
        static final int EFD_NONBLOCK = 04000;

        private Io() {
        }
    }

    /** Unix sockets for readiness (sd_notify, acks): linked only when a service has a readiness protocol. */
    static final class Net {
        static final MethodHandle SOCKET = bindErrno("socket", ints(3));
        static final MethodHandle SOCKETPAIR = bindErrno("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        static final MethodHandle BIND = bindErrno("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle SETSOCKOPT = bindErrno("setsockopt",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle RECVMSG = bindErrno("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle SENDMSG = bindErrno("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));

        static final int AF_UNIX = 1;
        static final int SOCK_STREAM = 1;
        static final int SOCK_DGRAM = 2;
        static final int SOCK_SEQPACKET = 5;
        static final int MSG_NOSIGNAL = 0x4000;
        static final int SOCK_NONBLOCK = 04000;
        static final int SOCK_CLOEXEC = 02000000;
        static final int SOL_SOCKET = 1;
        static final int SO_PASSCRED = 16;
        static final int SCM_RIGHTS = 1;
        static final int SCM_CREDENTIALS = 2;
        static final int MSG_TRUNC = 0x20;
        static final int MSG_DONTWAIT = 0x40;
        static final int MSG_CMSG_CLOEXEC = 0x40000000;
        /** struct sockaddr_un: sun_family, then sun_path[108]. */
        static final int SOCKADDR_UN_BYTES = 110;
        static final int SUN_PATH_MAX = 107;

        private Net() {
        }
    }

    /** Pipe sizes: linked only once a busy pipe asks for more room. */
    static final class Pipes {
        static final MethodHandle FCNTL = LINKER.downcallHandle(symbol("fcntl").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));
        static final int F_SETFL = 4;
        static final int F_SETPIPE_SZ = 1031;
        static final int F_GETPIPE_SZ = 1032;

        private Pipes() {
        }
    }

    /** The user database (NSS), for {@code user:}. */
    static final class Users {
        static final MethodHandle GETPWNAM_R = bind("getpwnam_r", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        static final MethodHandle GETPWUID_R = bind("getpwuid_r", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        static final MethodHandle GETGRNAM_R = bind("getgrnam_r", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
        static final MethodHandle GETGROUPLIST = bind("getgrouplist", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        static final MethodHandle GETEUID = bind("geteuid", FunctionDescriptor.of(JAVA_INT));

        static final long PASSWD_BYTES = 48; // struct passwd on LP64
        static final long PW_UID = 16;
        static final long PW_GID = 20;
        static final long GROUP_BYTES = 32; // struct group on LP64
        static final long GR_GID = 16;

        private Users() {
        }
    }

    /** Allocates a NUL-terminated C string of raw bytes. */
    static MemorySegment cString(Arena arena, byte[] bytes) {
        MemorySegment s = arena.allocate(bytes.length + 1L);
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        s.set(ValueLayout.JAVA_BYTE, bytes.length, (byte) 0);
        return s;
    }

    /** A NULL-terminated array of C strings (argv, envp). */
    static MemorySegment cStringArray(Arena arena, java.util.List<byte[]> strings) {
        MemorySegment array = arena.allocate(ADDRESS, strings.size() + 1L);
        for (int i = 0; i < strings.size(); i++) {
            array.setAtIndex(ADDRESS, i, cString(arena, strings.get(i)));
        }
        array.setAtIndex(ADDRESS, strings.size(), MemorySegment.NULL);
        return array;
    }
}
