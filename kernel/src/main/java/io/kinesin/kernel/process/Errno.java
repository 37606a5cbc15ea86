package io.kinesin.kernel.process;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** glibc's name and text for an errno value: {@code ENOENT}, "No such file or directory". */
public final class Errno {

    private static final MethodHandle NAME = Libc.bind("strerrorname_np", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle TEXT = Libc.bind("strerrordesc_np", FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Errno() {
    }

    /** {@code ENOENT}, or {@code errno 4242} for a value glibc does not know. */
    public static String name(int errno) {
        String s = lookup(NAME, errno);
        return s != null ? s : "errno " + errno;
    }

    /** "No such file or directory". */
    public static String text(int errno) {
        String s = lookup(TEXT, errno);
        return s != null ? s : "Unknown error " + errno;
    }

    /** "No such file or directory (ENOENT)": how kinesin's error lines name an errno. */
    public static String describe(int errno) {
        return text(errno) + " (" + name(errno) + ")";
    }

    private static String lookup(MethodHandle fn, int errno) {
        try {
            MemorySegment p = (MemorySegment) fn.invokeExact(errno);
            return p.equals(MemorySegment.NULL) ? null : p.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
    }
}
