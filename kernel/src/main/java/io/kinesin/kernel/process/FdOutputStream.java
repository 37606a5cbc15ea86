package io.kinesin.kernel.process;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * An output stream on one of kinesin's raw fds (its stdout or stderr) that writes every byte
 * even when the fd is non-blocking: a child sharing kinesin's stderr may set O_NONBLOCK on it,
 * and a plain {@code FileOutputStream} would then fail with EAGAIN and lose the line. EAGAIN
 * is waited out with poll(2). For a thread of its own (kinesin's log writer): it blocks as
 * long as the reader does not read.
 */
public final class FdOutputStream extends OutputStream {

    private static final int CHUNK = 16 * 1024;
    /** How long one poll waits before it asks again (a poll that missed a wake-up costs at most this). */
    private static final int POLL_MILLIS = 1000;

    private final int fd;
    private final MemorySegment scratch = Arena.ofAuto().allocate(CHUNK);

    public FdOutputStream(int fd) {
        this.fd = fd;
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] data, int offset, int length) throws IOException {
        while (length > 0) {
            int n;
            try {
                n = Fds.write(fd, data, offset, Math.min(length, CHUNK), scratch);
            } catch (NativeException e) {
                throw new IOException(e.getMessage(), e);
            }
            if (n == Fds.WOULD_BLOCK) {
                Fds.writable(fd, POLL_MILLIS);
                continue;
            }
            offset += n;
            length -= n;
        }
    }
}
