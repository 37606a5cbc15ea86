package io.kinesin.kernel.process;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * poll(2) over pipe read ends (and sinks' fds waiting to take more), plus an eventfd that
 * {@link #wake()} (any thread) pokes. Used by one thread, which also reads the pipes through it.
 */
public final class Poller implements AutoCloseable {

    /** Wait until the fd can be read (data or end of file). */
    public static final short READABLE = 0x1; // POLLIN
    /** Wait until a write to the fd would not block (or would fail at once). */
    public static final short WRITABLE = 0x4; // POLLOUT
    static final int POLLFD_BYTES = 8;

    private final Arena arena = Arena.ofShared();
    private final int wakeFd;
    private final MemorySegment wakeValue = arena.allocate(JAVA_LONG);
    private final MemorySegment readBuffer;
    private MemorySegment pollfds;
    private short[] events;
    private int capacity;

    public Poller(int readBufferBytes) {
        wakeFd = (int) Libc.call(Libc.Io.EVENTFD, 0, Libc.Io.EFD_CLOEXEC | Libc.Io.EFD_NONBLOCK);
        if (wakeFd < 0) {
            throw new NativeException("eventfd", Libc.errno());
        }
        readBuffer = arena.allocate(readBufferBytes);
        ensure(16);
    }

    /** Makes a pending or the next {@link #await} return at once. */
    public void wake() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(JAVA_LONG);
            one.set(JAVA_LONG, 0, 1L);
            Libc.call(Libc.Io.WRITE, wakeFd, one.address(), 8);
        }
    }

    /**
     * Waits until one of {@code fds[0, count)} can be read (data or end of file), a wake-up,
     * or the timeout; sets {@code ready[i]} for each fd that can be read.
     *
     * @param timeoutMillis -1 to wait without a limit
     */
    public void await(int[] fds, int count, int timeoutMillis, boolean[] ready) {
        ensure(count + 1);
        for (int i = 0; i < count; i++) {
            events[i] = READABLE;
        }
        await(fds, events, count, timeoutMillis, ready);
    }

    /**
     * Waits until one of {@code fds[0, count)} is ready for what {@code events[i]} asks
     * ({@link #READABLE} or {@link #WRITABLE}), a wake-up, or the timeout; sets {@code ready[i]}
     * for each fd that is ready or has an error to report (a write end whose reader is gone).
     *
     * @param timeoutMillis -1 to wait without a limit
     */
    public void await(int[] fds, short[] events, int count, int timeoutMillis, boolean[] ready) {
        ensure(count + 1);
        for (int i = 0; i < count; i++) {
            pollfds.set(JAVA_INT, (long) i * POLLFD_BYTES, fds[i]);
            pollfds.set(JAVA_SHORT, (long) i * POLLFD_BYTES + 4, events[i]);
            pollfds.set(JAVA_SHORT, (long) i * POLLFD_BYTES + 6, (short) 0);
        }
        pollfds.set(JAVA_INT, (long) count * POLLFD_BYTES, wakeFd);
        pollfds.set(JAVA_SHORT, (long) count * POLLFD_BYTES + 4, READABLE);
        pollfds.set(JAVA_SHORT, (long) count * POLLFD_BYTES + 6, (short) 0);
        int r = (int) Libc.call(Libc.Io.POLL, pollfds.address(), count + 1, timeoutMillis);
        if (r < 0) {
            int errno = Libc.errno();
            if (errno != Libc.EINTR) {
                throw new NativeException("poll", errno);
            }
        }
        for (int i = 0; i < count; i++) {
            ready[i] = r > 0 && pollfds.get(JAVA_SHORT, (long) i * POLLFD_BYTES + 6) != 0;
        }
        if (r > 0 && pollfds.get(JAVA_SHORT, (long) count * POLLFD_BYTES + 6) != 0) {
            Libc.call(Libc.Io.READ, wakeFd, wakeValue.address(), 8);
        }
    }

    /**
     * Reads what is there (up to the buffer size) into {@code into}.
     *
     * @return the byte count; 0 at end of file
     */
    public int read(int fd, byte[] into) {
        int n = read(fd, into.length);
        copyRead(n, into, 0);
        return n;
    }

    /**
     * Reads what is there, up to {@code max} bytes and the buffer's size, into the poller's own
     * buffer, where {@link #copyRead} takes it: the caller sizes its array after the read.
     *
     * @return the byte count; 0 at end of file
     */
    public int read(int fd, int max) {
        while (true) {
            long n = Libc.call(Libc.Io.READ, fd, readBuffer.address(), Math.min(readBuffer.byteSize(), max));
            if (n >= 0) {
                return (int) n;
            }
            int errno = Libc.errno();
            if (errno != Libc.EINTR) {
                throw new NativeException("read(" + fd + ")", errno);
            }
        }
    }

    /**
     * Reads what is there, up to {@code max} bytes, straight into {@code into[offset, ...)}: for
     * a pipe that poll(2) said can be read, so that the call does not wait (it holds up the
     * JVM's safepoints while it runs).
     *
     * @return the byte count; 0 at end of file
     */
    public int readReady(int fd, byte[] into, int offset, int max) {
        long n;
        try {
            n = (long) Libc.HeapIo.READ_INTO_HEAP.invokeExact(fd, MemorySegment.ofArray(into).asSlice(offset, max), (long) max);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (n >= 0) {
            return (int) n;
        }
        n = read(fd, max); // again, with errno: EINTR, or the error to report
        copyRead((int) n, into, offset);
        return (int) n;
    }

    /** Copies the first {@code n} bytes of the last {@link #read(int, int)} to {@code into[offset, offset + n)}. */
    public void copyRead(int n, byte[] into, int offset) {
        MemorySegment.copy(readBuffer, ValueLayout.JAVA_BYTE, 0, into, offset, n);
    }

    private void ensure(int n) {
        if (n > capacity) {
            capacity = Math.max(n, capacity * 2);
            pollfds = arena.allocate((long) capacity * POLLFD_BYTES, 8);
            events = new short[capacity];
        }
    }

    @Override
    public void close() {
        Fds.close(wakeFd);
        arena.close();
    }
}
