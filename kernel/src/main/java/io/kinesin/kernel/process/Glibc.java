package io.kinesin.kernel.process;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * What kinesin needs from the C library: glibc {@value #MINIMUM} or later. {@link #problem()}
 * is checked once at start-up, so a too-old glibc is one line naming the missing function rather
 * than an internal error at the first call that needs it (possibly with children running).
 *
 * <p>Functions newer than {@value #MINIMUM} are bound only where there is a fallback:
 * {@code strerrorname_np}/{@code strerrordesc_np} (2.32; {@link Errno}), {@code gettid}
 * (2.30; {@link Processes#thread()}), {@code posix_spawn_file_actions_addclosefrom_np} (2.34;
 * {@link Spawner}). kinesin uses {@code sigprocmask}, not {@code pthread_sigmask}: the latter is
 * in libc only since 2.32 (libpthread before, which FFM's default lookup does not search).
 */
public final class Glibc {

    /** The oldest glibc kinesin runs on: it added posix_spawn_file_actions_addchdir_np. */
    public static final String MINIMUM = "2.29";

    /**
     * Every function kinesin calls without a fallback ({@link Libc#function} refuses others).
     * All but {@code posix_spawn_file_actions_addchdir_np} are in every glibc a JDK 25 runs on.
     */
    static final List<String> REQUIRED = List.of(
            "getpid", "getpgrp", "getsid", "kill", "waitpid", "prctl", "sigaction", "sigemptyset",
            "sigfillset", "sigaddset", "sigprocmask", "access", "strerror",
            "posix_spawn", "posix_spawnattr_init", "posix_spawnattr_destroy", "posix_spawnattr_setflags",
            "posix_spawnattr_setsigmask", "posix_spawnattr_setsigdefault", "posix_spawnattr_setpgroup",
            "posix_spawn_file_actions_init", "posix_spawn_file_actions_destroy", "posix_spawn_file_actions_adddup2",
            "posix_spawn_file_actions_addopen", "posix_spawn_file_actions_addclose",
            "isatty", "tcgetpgrp", "tcsetpgrp",
            "pipe2", "read", "write", "close", "poll", "eventfd", "open", "fcntl",
            "getpwnam_r", "getpwuid_r", "getgrnam_r", "getgrouplist", "geteuid",
            "posix_spawn_file_actions_addchdir_np",
            "socket", "socketpair", "bind", "setsockopt", "recvmsg", "sendmsg");

    /** The glibc release that added a required function, where that is newer than glibc 2.17. */
    private static final Map<String, String> ADDED_IN = Map.of("posix_spawn_file_actions_addchdir_np", "2.29");

    private Glibc() {
    }

    /** The line to print (and exit 2) if this process's C library lacks a required function. */
    public static Optional<String> problem() {
        return problem(Libc::symbol);
    }

    /** The first required function {@code lookup} does not find, as the line kinesin prints. */
    static Optional<String> problem(Function<String, Optional<MemorySegment>> lookup) {
        for (String name : REQUIRED) {
            if (lookup.apply(name).isEmpty()) {
                return Optional.of(missing(name));
            }
        }
        return Optional.empty();
    }

    static String missing(String name) {
        String added = ADDED_IN.get(name);
        return "kinesin: the C library has no " + name + (added == null ? "" : " (added in glibc " + added + ")")
                + "; kinesin needs glibc " + MINIMUM + " or later";
    }
}
