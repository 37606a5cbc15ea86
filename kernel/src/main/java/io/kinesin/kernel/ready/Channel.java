package io.kinesin.kernel.ready;

import io.kinesin.kernel.process.Poller;
import io.kinesin.kernel.process.SpawnSpec;
import io.kinesin.kernel.supervise.Notice;
import io.kinesin.kernel.supervise.Ticket;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * One spawn's readiness channel: what the child gets (fds, environment) and kinesin's end,
 * which the {@link Watcher}'s thread reads. Made on the loop's thread before the spawn;
 * after it, kinesin's copies of the child's ends are closed and the channel is watched.
 */
public abstract class Channel {

    final Ticket ticket;

    Channel(Ticket ticket) {
        this.ticket = ticket;
    }

    /** kinesin's end to poll; -1 once the channel has nothing more to say. */
    abstract int fd();

    /** Fds the child gets at their numbers. */
    public abstract List<SpawnSpec.Handover> handovers();

    /** {@code KEY=VALUE} entries for the child's environment. */
    public abstract List<String> environment();

    /** The child has its copies (or the spawn failed): close kinesin's copies of the child's ends. */
    abstract void spawned();

    /** {@link #fd()} can be read: read it and hand on what it says (Watcher's thread). */
    abstract void readable(Poller poller, BiConsumer<Ticket, Notice> out);

    /**
     * Called once on the watcher's thread when the channel is added, before it is polled:
     * links the channel's read path while the child is still starting, so that its first
     * message does not pay for that. Must not wait.
     */
    void warm(Poller poller, BiConsumer<Ticket, Notice> out) {
    }

    /** Closes everything (Watcher's thread, or the loop's if it was never watched). */
    abstract void close();
}
