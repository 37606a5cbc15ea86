package io.kinesin.kernel.logbus;

import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.NativeException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The built-in {@code file} sink: appends to a file (created if missing), {@code raw} by
 * default. {@link #reopen} (SIGHUP) opens the path again, so that after an external logrotate
 * moved the file away, lines go to a new file at the path. Until the file-sink plugin (with
 * rotation) replaces it, the only file sink there is.
 */
final class FileSink extends FdSink {

    private static final int CHUNK = 256 * 1024;

    private final String path;
    private int fd;

    /**
     * @throws NativeException naming the file when it cannot be opened
     */
    FileSink(String path, SinkSpec.Format format) {
        super(format, false, CHUNK, false);
        this.path = path;
        this.fd = Fds.openAppend(path.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    int fd() {
        return fd;
    }

    /** Opens the path again; if it cannot be opened, lines keep going to the file open now. */
    @Override
    public void reopen() throws IOException {
        int fresh;
        try {
            fresh = Fds.openAppend(path.getBytes(StandardCharsets.UTF_8));
        } catch (NativeException e) {
            throw new IOException(e.getMessage(), e);
        }
        int old = fd;
        fd = fresh;
        Fds.close(old);
    }

    @Override
    public void close() {
        Fds.close(fd);
    }
}
