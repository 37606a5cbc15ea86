package io.kinesin.kernel.logbus;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A small tmpfs mounted for one test (needs root), to fill a disk for real: mount(2) and
 * umount2(2) called directly, so the test JVM forks nothing.
 */
final class Tmpfs implements AutoCloseable {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MOUNT = LINKER.downcallHandle(LINKER.defaultLookup().find("mount").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle UMOUNT2 = LINKER.downcallHandle(LINKER.defaultLookup().find("umount2").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final int MNT_DETACH = 2;

    private final Path dir;

    private Tmpfs(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code size} (mount's syntax: {@code 64k}) on a new directory. */
    static Tmpfs mount(Path dir, String size) throws IOException {
        Files.createDirectories(dir);
        try (Arena arena = Arena.ofConfined()) {
            int r = (int) MOUNT.invokeExact(arena.allocateFrom("tmpfs"), arena.allocateFrom(dir.toString()),
                    arena.allocateFrom("tmpfs"), 0L, arena.allocateFrom("size=" + size + ",mode=0755"));
            if (r != 0) {
                throw new IllegalStateException("mount tmpfs on " + dir + " failed (the test needs root)");
            }
        } catch (RuntimeException | Error | IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        return new Tmpfs(dir);
    }

    Path dir() {
        return dir;
    }

    /** Writes to {@code file} until the disk is full (ENOSPC); returns the bytes written. */
    long fill(Path file) {
        long written = 0;
        byte[] block = new byte[1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                written += block.length;
            }
        } catch (IOException full) {
            if (!full.getMessage().contains("No space left")) {
                throw new IllegalStateException(full);
            }
            return written;
        }
    }

    /** Unmounts; lazily, so a file still open does not keep the mount. */
    @Override
    public void close() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(dir.toString());
            int ignored = (int) UMOUNT2.invokeExact(path, MNT_DETACH);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
