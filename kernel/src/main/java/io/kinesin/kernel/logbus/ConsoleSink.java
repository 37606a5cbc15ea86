package io.kinesin.kernel.logbus;

import io.kinesin.kernel.process.Fds;

/**
 * The built-in {@code console} sink: kinesin's stdout (or stderr), which may be shared with
 * children ({@code inherit}) and with kinesin's own log. Writes of at most PIPE_BUF bytes that
 * end after a newline: on a pipe such a write is atomic, so no other writer's bytes land inside
 * a line. Each write waits first until the fd takes it, so that a reader that stopped reading
 * leaves the thread waiting in poll(2), from where it can leave at exit, not in write(2). Colours
 * only when the fd is a terminal. Closing leaves the fd open: it is kinesin's.
 */
final class ConsoleSink extends FdSink {

    private static final int PIPE_BUF = 4096;

    private final int fd;

    ConsoleSink(int fd, SinkSpec.Format format) {
        super(format, Fds.isTerminal(fd), PIPE_BUF, true);
        this.fd = fd;
    }

    @Override
    int fd() {
        return fd;
    }
}
