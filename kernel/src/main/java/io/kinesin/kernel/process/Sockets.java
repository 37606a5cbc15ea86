package io.kinesin.kernel.process;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Unix sockets the JDK does not have: a datagram socket that learns each sender's pid
 * (SO_PASSCRED, for sd_notify) and a connected pair to hand a child (acks). FFM, like every
 * other native call of kinesin's; linked only when a service has a readiness protocol.
 */
public final class Sockets {

    private Sockets() {
    }

    /** A connected stream pair, both ends close-on-exec: {@code [kinesin's, the child's]}. */
    public static int[] streamPair() {
        return pair(Libc.Net.SOCK_STREAM);
    }

    /** A connected SOCK_SEQPACKET pair (messages keep their boundaries), both ends close-on-exec: {@code [kinesin's, the child's]}. */
    public static int[] seqpacketPair() {
        return pair(Libc.Net.SOCK_SEQPACKET);
    }

    private static int[] pair(int type) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            if ((int) Libc.call(Libc.Net.SOCKETPAIR, Libc.Net.AF_UNIX, type | Libc.Net.SOCK_CLOEXEC, 0, fds.address()) != 0) {
                throw new NativeException("socketpair", Libc.errno());
            }
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        }
    }

    /**
     * A datagram socket bound at {@code path} (which must not exist), non-blocking and
     * close-on-exec, that receives each sender's credentials with its message.
     */
    public static int boundDatagram(byte[] path) {
        if (path.length > Libc.Net.SUN_PATH_MAX) {
            throw new IllegalArgumentException("a unix socket path has at most " + Libc.Net.SUN_PATH_MAX + " bytes: "
                    + new String(path, java.nio.charset.StandardCharsets.UTF_8));
        }
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) Libc.call(Libc.Net.SOCKET, Libc.Net.AF_UNIX,
                    Libc.Net.SOCK_DGRAM | Libc.Net.SOCK_NONBLOCK | Libc.Net.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                throw new NativeException("socket", Libc.errno());
            }
            try {
                MemorySegment one = arena.allocate(JAVA_INT);
                one.set(JAVA_INT, 0, 1);
                if ((int) Libc.call(Libc.Net.SETSOCKOPT, fd, Libc.Net.SOL_SOCKET, Libc.Net.SO_PASSCRED, one.address(), 4) != 0) {
                    throw new NativeException("setsockopt SO_PASSCRED", Libc.errno());
                }
                MemorySegment address = arena.allocate(Libc.Net.SOCKADDR_UN_BYTES);
                address.set(JAVA_SHORT, 0, (short) Libc.Net.AF_UNIX);
                MemorySegment.copy(path, 0, address, ValueLayout.JAVA_BYTE, 2, path.length);
                if ((int) Libc.call(Libc.Net.BIND, fd, address.address(), 2 + path.length + 1) != 0) {
                    throw new NativeException("bind " + new String(path, java.nio.charset.StandardCharsets.UTF_8), Libc.errno());
                }
                return fd;
            } catch (RuntimeException | Error e) {
                Fds.close(fd);
                throw e;
            }
        }
    }

    /**
     * A datagram with its sender's pid, uid and gid (as the kernel vouches for them) and the
     * fds that came with it, which the receiver must close.
     */
    public record Datagram(int pid, int uid, int gid, byte[] data, int[] fds) {
        /** Closes the fds that came with it (what a sender of sd_notify's {@code BARRIER=1} waits for). */
        public void closeFds() {
            for (int fd : fds) {
                Fds.close(fd);
            }
        }
    }

    /**
     * Receives from one non-blocking datagram socket, one thread at a time. Fds that come with
     * a message (sd_notify's {@code BARRIER=1}) are handed over with it, to be closed once the
     * receiver has looked at the sender: the sender waits for that, so it is still there.
     */
    public static final class Receiver implements AutoCloseable {

        private static final int NOTIFY_BYTES = 4096;
        private static final int CONTROL_BYTES = 1024;
        private static final long MSGHDR_BYTES = 56;

        private final int max;
        private final Arena arena = Arena.ofConfined();
        private final MemorySegment data;
        private final MemorySegment control = arena.allocate(CONTROL_BYTES, 8);
        private final MemorySegment iov = arena.allocate(16, 8);
        private final MemorySegment header = arena.allocate(MSGHDR_BYTES, 8);

        /** For sd_notify: datagrams of at most 4096 bytes. */
        public Receiver() {
            this(NOTIFY_BYTES);
        }

        /** Messages of at most {@code max} bytes. */
        public Receiver(int max) {
            this.max = max;
            this.data = arena.allocate(max + 1);
        }

        /**
         * The next datagram, or null when none is waiting. A datagram longer than 4096 bytes
         * (sd_notify's own limit) or without credentials is dropped, and the next one read.
         */
        public Datagram receive(int fd) {
            while (true) {
                Datagram d = receiveAny(fd);
                if (d == null) {
                    return null;
                }
                if (d.data() != null && d.pid() > 0) {
                    return d;
                }
                d.closeFds(); // no credentials, too long, or a zero-length datagram
            }
        }

        /**
         * The next message as it came, or null when none is waiting: without credentials unless
         * the socket passes them; with null data for a zero-length read (the other end of a
         * connected socket closed) or a message longer than the maximum (dropped).
         */
        Datagram receiveAny(int fd) {
            while (true) {
                iov.set(ADDRESS, 0, data);
                iov.set(JAVA_LONG, 8, max + 1);
                header.fill((byte) 0);
                header.set(ADDRESS, 16, iov);
                header.set(JAVA_LONG, 24, 1L);
                header.set(ADDRESS, 32, control);
                header.set(JAVA_LONG, 40, CONTROL_BYTES);
                long n = Libc.call(Libc.Net.RECVMSG, fd, header.address(), Libc.Net.MSG_DONTWAIT | Libc.Net.MSG_CMSG_CLOEXEC);
                if (n < 0) {
                    int errno = Libc.errno();
                    if (errno == Libc.EAGAIN) {
                        return null;
                    }
                    if (errno == Libc.EINTR) {
                        continue;
                    }
                    throw new NativeException("recvmsg", errno);
                }
                int pid = 0;
                int uid = -1;
                int gid = -1;
                int[] fds = new int[0];
                long controlLength = header.get(JAVA_LONG, 40);
                long at = 0;
                while (at + 16 <= controlLength) {
                    long length = control.get(JAVA_LONG, at);
                    int level = control.get(JAVA_INT, at + 8);
                    int type = control.get(JAVA_INT, at + 12);
                    if (length < 16 || at + length > controlLength) {
                        break;
                    }
                    if (level == Libc.Net.SOL_SOCKET && type == Libc.Net.SCM_RIGHTS) {
                        for (long f = at + 16; f + 4 <= at + length; f += 4) {
                            fds = java.util.Arrays.copyOf(fds, fds.length + 1);
                            fds[fds.length - 1] = control.get(JAVA_INT, f);
                        }
                    } else if (level == Libc.Net.SOL_SOCKET && type == Libc.Net.SCM_CREDENTIALS && length >= 28) {
                        pid = control.get(JAVA_INT, at + 16);
                        uid = control.get(JAVA_INT, at + 20);
                        gid = control.get(JAVA_INT, at + 24);
                    }
                    at += (length + 7) & ~7L;
                }
                int flags = header.get(JAVA_INT, 48);
                boolean whole = n > 0 && n <= max && (flags & Libc.Net.MSG_TRUNC) == 0;
                return new Datagram(pid, uid, gid, whole ? data.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE) : null, fds);
            }
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /**
     * Sends one message on a connected SOCK_SEQPACKET socket, with copies of {@code fds}
     * (SCM_RIGHTS) if any, waiting at most {@code timeoutMillis} for room.
     *
     * @return false if there was no room in time
     * @throws NativeException EPIPE once the other end is closed, and other errors
     */
    public static boolean sendMessage(int fd, byte[] message, int[] fds, int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(Math.max(1, message.length));
            MemorySegment.copy(message, 0, data, ValueLayout.JAVA_BYTE, 0, message.length);
            MemorySegment iov = arena.allocate(16, 8);
            iov.set(ADDRESS, 0, data);
            iov.set(JAVA_LONG, 8, message.length);
            MemorySegment header = arena.allocate(56, 8);
            header.set(ADDRESS, 16, iov);
            header.set(JAVA_LONG, 24, 1L);
            if (fds.length > 0) {
                long length = 16 + 4L * fds.length; // struct cmsghdr, then the fds
                MemorySegment control = arena.allocate((length + 7) & ~7L, 8);
                control.set(JAVA_LONG, 0, length);
                control.set(JAVA_INT, 8, Libc.Net.SOL_SOCKET);
                control.set(JAVA_INT, 12, Libc.Net.SCM_RIGHTS);
                for (int k = 0; k < fds.length; k++) {
                    control.set(JAVA_INT, 16 + 4L * k, fds[k]);
                }
                header.set(ADDRESS, 32, control);
                header.set(JAVA_LONG, 40, control.byteSize());
            }
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            while (true) {
                long n = Libc.call(Libc.Net.SENDMSG, fd, header.address(), Libc.Net.MSG_DONTWAIT | Libc.Net.MSG_NOSIGNAL);
                if (n >= 0) {
                    return true;
                }
                int errno = Libc.errno();
                if (errno == Libc.EINTR) {
                    continue;
                }
                if (errno != Libc.EAGAIN) {
                    throw new NativeException("sendmsg", errno);
                }
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                Fds.writable(fd, (int) Math.min(Integer.MAX_VALUE, left)); // then sendmsg again: a signal may have cut the wait short
            }
        }
    }

    /** What {@link #receiveMessage} got: a message, or nothing in time. */
    public sealed interface Received {
        record Message(byte[] data) implements Received {
        }

        record TimedOut() implements Received {
        }
    }

    /**
     * Receives one message of at most {@code max} bytes from a connected SOCK_SEQPACKET socket,
     * waiting at most {@code timeoutMillis}. Fds that come with it are closed: kinesin takes none.
     *
     * @throws NativeException EPIPE when the other end closed (or sent more than {@code max})
     */
    public static Received receiveMessage(int fd, int max, int timeoutMillis) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollfd = arena.allocate(8, 4);
            long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
            try (Receiver receiver = new Receiver(max)) {
                while (true) {
                    Datagram d = receiver.receiveAny(fd);
                    if (d != null) {
                        d.closeFds();
                        if (d.data() != null) {
                            return new Received.Message(d.data());
                        }
                        throw new NativeException("recvmsg: the other end closed, or sent a message over " + max + " bytes", Libc.EPIPE);
                    }
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left <= 0) {
                        return new Received.TimedOut();
                    }
                    pollfd.set(JAVA_INT, 0, fd);
                    pollfd.set(JAVA_SHORT, 4, Poller.READABLE);
                    pollfd.set(JAVA_SHORT, 6, (short) 0);
                    int r = (int) Libc.call(Libc.Io.POLL, pollfd.address(), 1, Math.min(Integer.MAX_VALUE, left));
                    if (r < 0 && Libc.errno() != Libc.EINTR) {
                        throw new NativeException("poll", Libc.errno());
                    }
                }
            }
        }
    }
}
