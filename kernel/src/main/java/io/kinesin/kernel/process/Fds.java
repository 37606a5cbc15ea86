package io.kinesin.kernel.process;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** Raw file descriptors: pipes for children's output, files kinesin appends to, writes. */
public final class Fds {

    private static final int EPIPE = 32;
    private static final ThreadLocal<MemorySegment> POLLFD =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(Poller.POLLFD_BYTES, 8));

    /**
     * What {@link #write} returns when the fd is non-blocking and full (EAGAIN): a child may
     * have set O_NONBLOCK on a stdout it shares with kinesin.
     */
    public static final int WOULD_BLOCK = -1;

    private Fds() {
    }

    /** A pipe, both ends close-on-exec: {@code [read, write]}. */
    public static int[] pipe() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            if ((int) Libc.call(Libc.Io.PIPE2, fds.address(), Libc.Io.O_CLOEXEC) != 0) {
                throw new NativeException("pipe2", Libc.errno());
            }
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        }
    }

    /** Opens (creating it, mode 0644) a file to append to; close-on-exec. */
    public static int openAppend(byte[] path) {
        return open(path, Libc.Io.O_WRONLY | Libc.Io.O_CREAT | Libc.Io.O_APPEND);
    }

    /**
     * Opens a file to read (close-on-exec) without waiting: a FIFO with no writer yet would
     * block open(2), so it is opened non-blocking, then made blocking again for its reader.
     */
    public static int openRead(byte[] path) {
        int fd = open(path, Libc.Io.O_RDONLY | Libc.Io.O_NONBLOCK);
        try {
            if ((int) Libc.call(Libc.Pipes.FCNTL, fd, Libc.Pipes.F_SETFL, 0) != 0) {
                throw new NativeException("fcntl F_SETFL", Libc.errno());
            }
            return fd;
        } catch (RuntimeException | Error e) {
            close(fd);
            throw e;
        }
    }

    /** Opens {@code /dev/null} to write (close-on-exec). */
    public static int openNullForWriting() {
        return open("/dev/null".getBytes(java.nio.charset.StandardCharsets.US_ASCII), Libc.Io.O_WRONLY);
    }

    private static int open(byte[] path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) Libc.call(Libc.Io.OPEN, Libc.cString(arena, path).address(), flags | Libc.Io.O_CLOEXEC, 0644);
            if (fd < 0) {
                throw new NativeException("open " + new String(path, java.nio.charset.StandardCharsets.UTF_8), Libc.errno());
            }
            return fd;
        }
    }

    public static void close(int fd) {
        Libc.call(Libc.Io.CLOSE, fd);
    }

    public static boolean isTerminal(int fd) {
        return (int) Libc.call(Libc.Tty.ISATTY, fd) == 1;
    }

    /**
     * Writes all of {@code data[0, length)} through {@code scratch} (a native buffer the
     * caller owns), retrying short writes and EINTR.
     *
     * @throws NativeException on any other error (EPIPE when the reader is gone)
     */
    public static void writeFully(int fd, byte[] data, int length, MemorySegment scratch) {
        requireNative(scratch);
        int done = 0;
        while (done < length) {
            int chunk = (int) Math.min(length - done, scratch.byteSize());
            MemorySegment.copy(data, done, scratch, ValueLayout.JAVA_BYTE, 0, chunk);
            int sent = 0;
            while (sent < chunk) {
                long n = Libc.call(Libc.Io.WRITE, fd, scratch.address() + sent, chunk - sent);
                if (n < 0) {
                    int errno = Libc.errno();
                    if (errno == Libc.EINTR) {
                        continue;
                    }
                    throw new NativeException("write(" + fd + ")", errno);
                }
                sent += (int) n;
            }
            done += chunk;
        }
    }

    /**
     * One write(2) of {@code data[offset, offset + length)} through {@code scratch} (a native
     * buffer the caller owns, at least {@code length} bytes), retried on EINTR.
     *
     * @return the bytes written (possibly fewer than {@code length}), or {@link #WOULD_BLOCK}
     * @throws NativeException on any other error (ENOSPC, EIO, EPIPE when the reader is gone)
     */
    public static int write(int fd, byte[] data, int offset, int length, MemorySegment scratch) {
        requireNative(scratch);
        MemorySegment.copy(data, offset, scratch, ValueLayout.JAVA_BYTE, 0, length);
        while (true) {
            long n = Libc.call(Libc.Io.WRITE, fd, scratch.address(), length);
            if (n >= 0) {
                return (int) n;
            }
            int errno = Libc.errno();
            if (errno == Libc.EAGAIN) {
                return WOULD_BLOCK;
            }
            if (errno != Libc.EINTR) {
                throw new NativeException("write(" + fd + ")", errno);
            }
        }
    }

    /**
     * Whether a write to {@code fd} would go through now, without waiting: poll(2) with a zero
     * timeout. Also true when the write would fail at once (its reader is gone, the fd is
     * closed), so that the caller's write reports why.
     */
    public static boolean writable(int fd) {
        return writable(fd, 0);
    }

    /** {@link #writable(int)}, waiting at most {@code timeoutMillis} for it. */
    public static boolean writable(int fd, int timeoutMillis) {
        MemorySegment pollfd = POLLFD.get();
        pollfd.set(JAVA_INT, 0, fd);
        pollfd.set(JAVA_SHORT, 4, Poller.WRITABLE);
        pollfd.set(JAVA_SHORT, 6, (short) 0);
        return (int) Libc.call(Libc.Io.POLL, pollfd.address(), 1, timeoutMillis) > 0; // on EINTR or ENOMEM, no: the caller's next poll asks again
    }

    /**
     * Asks for a pipe that holds {@code bytes} (F_SETPIPE_SZ); the kernel rounds up to pages and
     * refuses beyond its limits ({@code /proc/sys/fs/pipe-max-size}, the user's pipe pages).
     *
     * @return the pipe's size now, or -1 if it was refused
     */
    public static int setPipeSize(int fd, int bytes) {
        return (int) Libc.call(Libc.Pipes.FCNTL, fd, Libc.Pipes.F_SETPIPE_SZ, bytes);
    }

    /** Native calls take an address: a heap segment has none. */
    private static void requireNative(MemorySegment scratch) {
        if (!scratch.isNative()) {
            throw new IllegalArgumentException("scratch must be native memory, not " + scratch);
        }
    }

    /** Whether a write failed because nobody reads the other end any more. */
    public static boolean isBrokenPipe(NativeException e) {
        return e.errno() == EPIPE;
    }
}
