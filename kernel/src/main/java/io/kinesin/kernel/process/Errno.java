package io.kinesin.kernel.process;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The name and text of an errno value: {@code ENOENT}, "No such file or directory". glibc 2.32+
 * has both ({@code strerrorname_np}, {@code strerrordesc_np}); on an older one the text comes
 * from {@code strerror} (which follows the locale's language) and the name from a table of
 * the common ones, else {@code errno N}.
 */
public final class Errno {

    private static final Errno LIBC = new Errno(Libc::symbol);

    /** Linux's numbers, the same on x86_64 and aarch64. */
    private static final String[] NAMES = {null, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG",
        "ENOEXEC", "EBADF", "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV",
        "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE",
        "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY",
        "ELOOP"};
    private static final Map<Integer, String> SOCKET_NAMES = Map.of(88, "ENOTSOCK", 95, "EOPNOTSUPP",
            98, "EADDRINUSE", 99, "EADDRNOTAVAIL", 101, "ENETUNREACH", 104, "ECONNRESET", 110, "ETIMEDOUT",
            111, "ECONNREFUSED", 113, "EHOSTUNREACH");

    private final MemorySegment name;
    private final MemorySegment description;
    private final MemorySegment strerror;

    /** Uses what {@code lookup} finds (a test hands in an older glibc's). */
    Errno(Function<String, Optional<MemorySegment>> lookup) {
        this.name = lookup.apply("strerrorname_np").orElse(null);
        this.description = lookup.apply("strerrordesc_np").orElse(null);
        this.strerror = lookup.apply("strerror").orElse(null);
    }

    /** {@code ENOENT}, or {@code errno 4242} for a value glibc does not know. */
    public static String name(int errno) {
        return LIBC.nameOf(errno);
    }

    /** "No such file or directory". */
    public static String text(int errno) {
        return LIBC.textOf(errno);
    }

    /** "No such file or directory (ENOENT)": how kinesin's error lines name an errno. */
    public static String describe(int errno) {
        return LIBC.textOf(errno) + " (" + LIBC.nameOf(errno) + ")";
    }

    String nameOf(int errno) {
        String s = name != null ? call(name, errno) : errno > 0 && errno < NAMES.length ? NAMES[errno] : SOCKET_NAMES.get(errno);
        return s != null ? s : "errno " + errno;
    }

    String textOf(int errno) {
        String s = call(description != null ? description : strerror, errno);
        return s != null ? s : "Unknown error " + errno;
    }

    /** A {@code const char *f(int errnum)}'s string, or null. */
    private static String call(MemorySegment fn, int errno) {
        if (fn == null) {
            return null;
        }
        long p = Libc.call(fn, errno);
        return p == 0 ? null : MemorySegment.ofAddress(p).reinterpret(256).getString(0);
    }
}
