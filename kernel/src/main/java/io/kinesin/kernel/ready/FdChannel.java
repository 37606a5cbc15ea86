package io.kinesin.kernel.ready;

import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.Poller;
import io.kinesin.kernel.process.SpawnSpec;
import io.kinesin.kernel.supervise.Notice;
import io.kinesin.kernel.supervise.Ticket;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * s6's notification-fd: a pipe whose write end is the child's fd {@code n}; a newline on it
 * means ready (what comes before the newline is ignored, as s6-supervise does). kinesin closes
 * its end then, or at end of file without a newline (never ready by this fd).
 */
final class FdChannel extends Channel {

    private final int as;
    private int read;
    private int write;

    FdChannel(Ticket ticket, int as) {
        super(ticket);
        this.as = as;
        int[] pipe = Fds.pipe();
        this.read = pipe[0];
        this.write = pipe[1];
    }

    @Override
    int fd() {
        return read;
    }

    @Override
    public List<SpawnSpec.Handover> handovers() {
        return List.of(new SpawnSpec.Handover(write, as));
    }

    @Override
    public List<String> environment() {
        return List.of();
    }

    @Override
    void spawned() {
        if (write >= 0) {
            Fds.close(write);
            write = -1;
        }
    }

    @Override
    void readable(Poller poller, BiConsumer<Ticket, Notice> out) {
        byte[] bytes = new byte[512];
        int n = poller.read(read, bytes);
        for (int k = 0; k < n; k++) {
            if (bytes[k] == '\n') {
                out.accept(ticket, Notice.Ready.INSTANCE);
                close();
                return;
            }
        }
        if (n == 0) {
            close();
        }
    }

    @Override
    void close() {
        spawned();
        if (read >= 0) {
            Fds.close(read);
            read = -1;
        }
    }
}
