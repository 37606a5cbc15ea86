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
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

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
 * <p>Every function is called through one downcall shape, {@link #call}: its address, six
 * 64-bit integer arguments, a 64-bit result, errno captured. Each distinct
 * {@code FunctionDescriptor} costs a {@code DowncallStub} class and about ten lambda forms
 * spun at run time (6-7 ms each at start-up, which the JDK 25 AOT cache cannot hold): with
 * one shape, {@code kinesin -- /bin/true} spins one set instead of 19. This is sound on the
 * ABIs kinesin runs on (Linux x86_64 System V and aarch64 AAPCS64): integer and pointer
 * arguments of any C width travel in the same general registers, in order; Java widens an
 * {@code int} or {@code short} by sign extension, which serves a callee that reads only the low
 * bits (GCC's) and one that expects them extended to 32 bits (clang's); a callee never looks at
 * registers past its own parameters; an {@code int} result is the low 32 bits of the register,
 * so callers cast it. The variadic ones
 * ({@code open}, {@code fcntl}, {@code prctl}) take their integer arguments in the same
 * registers, and on x86_64 the linker always sets {@code %al} (vector registers used: none),
 * which a variadic callee reads. Only the log pump's read into a Java array has a shape of its
 * own ({@link HeapIo}): a heap segment cannot be passed as an address.
 *
 * <p>Symbols are grouped in holder classes, looked up when a mode first needs them.
 */
final class Libc {

    static final Linker LINKER = Linker.nativeLinker();
    static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    /** Where errno is in the call state, read as an int there. */
    private static final long ERRNO = CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle CALL = LINKER.downcallHandle(
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
            Linker.Option.captureCallState("errno"));
    /** Each thread's errno after its last {@link #call}. */
    private static final ThreadLocal<MemorySegment> STATE = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CALL_STATE));

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
    static MemorySegment function(String name) {
        if (!Glibc.REQUIRED.contains(name)) {
            throw new IllegalStateException(name + " is bound as required but not listed in Glibc.REQUIRED");
        }
        return symbol(name).orElseThrow(() -> new UnsatisfiedLinkError(Glibc.missing(name)));
    }

    /** A function newer than {@link Glibc#MINIMUM}, for a caller that has a fallback: null if this glibc lacks it. */
    static MemorySegment optional(String name) {
        return symbol(name).orElse(null);
    }

    static Optional<MemorySegment> symbol(String name) {
        return LIBC.find(name);
    }

    /**
     * Calls {@code fn} with integer arguments (a pointer as {@link MemorySegment#address()}, whose
     * segment the caller keeps alive); the result as a {@code long}, cast to {@code int} for a
     * function that returns one. {@link #errno()} then tells why it failed.
     */
    static long call(MemorySegment fn, long a, long b, long c, long d, long e, long f) {
        try {
            return (long) CALL.invokeExact(fn, STATE.get(), a, b, c, d, e, f);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static long call(MemorySegment fn) {
        return call(fn, 0, 0, 0, 0, 0, 0);
    }

    static long call(MemorySegment fn, long a) {
        return call(fn, a, 0, 0, 0, 0, 0);
    }

    static long call(MemorySegment fn, long a, long b) {
        return call(fn, a, b, 0, 0, 0, 0);
    }

    static long call(MemorySegment fn, long a, long b, long c) {
        return call(fn, a, b, c, 0, 0, 0);
    }

    static long call(MemorySegment fn, long a, long b, long c, long d) {
        return call(fn, a, b, c, d, 0, 0);
    }

    static long call(MemorySegment fn, long a, long b, long c, long d, long e) {
        return call(fn, a, b, c, d, e, 0);
    }

    /**
     * The errno the calling thread's last {@link #call} left: read it before any other call
     * (making a {@link NativeException} is one: it asks glibc for the error's text).
     */
    static int errno() {
        return STATE.get().get(JAVA_INT, ERRNO);
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
        static final MemorySegment GETPID = function("getpid");
        static final MemorySegment GETPGRP = function("getpgrp");
        static final MemorySegment GETSID = function("getsid");
        /** glibc 2.30+; {@link Processes#thread()} falls back to /proc/thread-self. */
        static final MemorySegment GETTID = optional("gettid");
        static final MemorySegment KILL = function("kill");
        static final MemorySegment WAITPID = function("waitpid");
        static final MemorySegment PRCTL = function("prctl");
        static final MemorySegment SIGACTION = function("sigaction");
        static final MemorySegment SIGEMPTYSET = function("sigemptyset");
        static final MemorySegment SIGFILLSET = function("sigfillset");
        static final MemorySegment SIGADDSET = function("sigaddset");
        /** Not pthread_sigmask (in libc only since glibc 2.32); glibc's sigprocmask also sets the calling thread's mask only. */
        static final MemorySegment SIGPROCMASK = function("sigprocmask");
        static final MemorySegment ACCESS = function("access");

        private Core() {
        }
    }

    /** posix_spawn and its attribute/file-action setters. */
    static final class Spawn {
        static final MemorySegment SPAWN = function("posix_spawn");
        static final MemorySegment ATTR_INIT = function("posix_spawnattr_init");
        static final MemorySegment ATTR_DESTROY = function("posix_spawnattr_destroy");
        static final MemorySegment ATTR_SETFLAGS = function("posix_spawnattr_setflags");
        static final MemorySegment ATTR_SETSIGMASK = function("posix_spawnattr_setsigmask");
        static final MemorySegment ATTR_SETSIGDEFAULT = function("posix_spawnattr_setsigdefault");
        static final MemorySegment ATTR_SETPGROUP = function("posix_spawnattr_setpgroup");
        static final MemorySegment FA_INIT = function("posix_spawn_file_actions_init");
        static final MemorySegment FA_DESTROY = function("posix_spawn_file_actions_destroy");
        static final MemorySegment FA_ADDDUP2 = function("posix_spawn_file_actions_adddup2");
        static final MemorySegment FA_ADDOPEN = function("posix_spawn_file_actions_addopen");
        static final MemorySegment FA_ADDCLOSE = function("posix_spawn_file_actions_addclose");
        static final MemorySegment FA_ADDCHDIR = function("posix_spawn_file_actions_addchdir_np");
        /** glibc 2.34+; older glibc closes the inherited fds one by one. */
        static final MemorySegment FA_ADDCLOSEFROM = optional("posix_spawn_file_actions_addclosefrom_np");

        static final short SETPGROUP = 0x02;
        static final short SETSIGDEF = 0x04;
        static final short SETSIGMASK = 0x08;
        static final short SETSID = 0x80;
        static final long ATTR_BYTES = 512; // sizeof(posix_spawnattr_t) is 336 on x86_64 and aarch64
        static final long FILE_ACTIONS_BYTES = 128; // 80

        private Spawn() {
        }
    }

    /** Thread priority: only the HTTP endpoint uses this, to run its threads below the loop's. */
    static final class Priority {
        static final MemorySegment SETPRIORITY = optional("setpriority");
        static final int PRIO_PROCESS = 0;

        private Priority() {
        }
    }

    /** Terminal (job control) calls: only the {@code --} mode on a terminal makes these. */
    static final class Tty {
        static final MemorySegment ISATTY = function("isatty");
        static final MemorySegment TCGETPGRP = function("tcgetpgrp");
        static final MemorySegment TCSETPGRP = function("tcsetpgrp");

        private Tty() {
        }
    }

    /** Pipes and fds, for the log pump. */
    static final class Io {
        static final MemorySegment PIPE2 = function("pipe2");
        static final MemorySegment READ = function("read");
        static final MemorySegment WRITE = function("write");
        static final MemorySegment CLOSE = function("close");
        static final MemorySegment POLL = function("poll");
        static final MemorySegment EVENTFD = function("eventfd");
        static final MemorySegment OPEN = function("open");

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

    /** The log pump's read: the only function with a shape of its own. */
    static final class HeapIo {
        /**
         * read(2) straight into a Java array: a critical call (no thread-state change, heap
         * memory allowed), for a read that cannot block, on a pipe that poll(2) said has data.
         * No errno: a failure is retried with {@link Io#READ}.
         */
        static final MethodHandle READ_INTO_HEAP = LINKER.downcallHandle(function("read"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), Linker.Option.critical(true));

        private HeapIo() {
        }
    }

    /** Unix sockets: readiness (sd_notify, acks) and launchers' links. */
    static final class Net {
        static final MemorySegment SOCKET = function("socket");
        static final MemorySegment SOCKETPAIR = function("socketpair");
        static final MemorySegment BIND = function("bind");
        static final MemorySegment SETSOCKOPT = function("setsockopt");
        static final MemorySegment RECVMSG = function("recvmsg");
        static final MemorySegment SENDMSG = function("sendmsg");

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

    /** fcntl: a FIFO made blocking again, pipe sizes. */
    static final class Pipes {
        static final MemorySegment FCNTL = function("fcntl");
        static final int F_SETFL = 4;
        static final int F_SETPIPE_SZ = 1031;
        static final int F_GETPIPE_SZ = 1032;

        private Pipes() {
        }
    }

    /** The user database (NSS), for {@code user:}. */
    static final class Users {
        static final MemorySegment GETPWNAM_R = function("getpwnam_r");
        static final MemorySegment GETPWUID_R = function("getpwuid_r");
        static final MemorySegment GETGRNAM_R = function("getgrnam_r");
        static final MemorySegment GETGROUPLIST = function("getgrouplist");
        static final MemorySegment GETEUID = function("geteuid");

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
