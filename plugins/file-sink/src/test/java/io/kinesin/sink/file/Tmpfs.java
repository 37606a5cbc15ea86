package io.kinesin.sink.file;

import org.junit.jupiter.api.Assumptions;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A small tmpfs mounted over a test's directory: a real disk that fills up. mount(2) through
 * FFM rather than by running {@code mount}, so the tests start no process either. Needs root
 * (CAP_SYS_ADMIN); elsewhere the test is skipped, saying why.
 */
final class Tmpfs implements AutoCloseable {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle MOUNT = LINKER.downcallHandle(LINKER.defaultLookup().find("mount").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS), Linker.Option.captureCallState("errno"));
    private static final MethodHandle UMOUNT2 = LINKER.downcallHandle(LINKER.defaultLookup().find("umount2").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.captureCallState("errno"));
    private static final int MNT_DETACH = 2;
    private static final int EPERM = 1;

    private final Path dir;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code size} ({@code 64k}) on {@code dir}, or skips the test if this user may not. */
    static Tmpfs mount(Path dir, String size) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            int rc = (int) MOUNT.invokeExact(state, arena.allocateFrom("tmpfs"), arena.allocateFrom(dir.toString()),
                    arena.allocateFrom("tmpfs"), 0L, arena.allocateFrom("size=" + size + ",mode=0755"));
            if (rc != 0) {
                int errno = (int) ERRNO.get(state, 0L);
                Assumptions.assumeTrue(errno != EPERM, "mounting a tmpfs needs root (CAP_SYS_ADMIN): EPERM");
                throw new IllegalStateException("mount tmpfs on " + dir + ": errno " + errno);
            }
        }
        return new Tmpfs(dir);
    }

    /** Unmounts it (lazily: a file still open in it does not keep the mount). */
    @Override
    public void close() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(STATE);
            int rc = (int) UMOUNT2.invokeExact(state, arena.allocateFrom(dir.toString()), MNT_DETACH);
            if (rc != 0) {
                throw new IllegalStateException("umount " + dir + ": errno " + (int) ERRNO.get(state, 0L));
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("umount " + dir, t);
        }
    }
}
