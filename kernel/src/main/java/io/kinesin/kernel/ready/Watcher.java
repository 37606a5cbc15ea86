package io.kinesin.kernel.ready;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.NativeException;
import io.kinesin.kernel.process.Poller;
import io.kinesin.kernel.process.Sockets;
import io.kinesin.kernel.supervise.Notice;
import io.kinesin.kernel.supervise.Ticket;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;

/**
 * The thread that reads every readiness channel ({@code kinesin-ready}): poll(2) over their
 * fds, each message handed to the loop. Channels are added and removed through a queue and a
 * wake-up, so only this thread touches a watched channel's fds (none is closed while polled).
 * Started with the first channel.
 */
final class Watcher implements AutoCloseable {

    private static final ThreadLocal<Sockets.Receiver> RECEIVER = ThreadLocal.withInitial(Sockets.Receiver::new);

    private final Log log;
    private final BiConsumer<Ticket, Notice> out;
    private final ConcurrentLinkedQueue<Channel> added = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Ticket> removed = new ConcurrentLinkedQueue<>();
    private final List<Channel> channels = new ArrayList<>();
    private Poller poller;
    private Thread thread;
    private volatile boolean closing;

    Watcher(Log log, BiConsumer<Ticket, Notice> out) {
        this.log = log;
        this.out = out;
    }

    /** The datagram receiver of the watcher's thread. */
    static Sockets.Receiver receiver() {
        return RECEIVER.get();
    }

    /** Watches a channel from now on; the loop's thread. */
    synchronized void watch(Channel c) {
        if (thread == null) {
            poller = new Poller(4096);
            thread = new Thread(this::run, "kinesin-ready");
            thread.setDaemon(true);
            thread.start();
        }
        added.add(c);
        poller.wake();
    }

    /** Stops watching the channel of a spawn and closes it; the loop's thread. */
    synchronized void release(Ticket t) {
        if (thread == null) {
            return;
        }
        removed.add(t);
        poller.wake();
    }

    private void run() {
        int[] fds = new int[16];
        boolean[] ready = new boolean[16];
        while (!closing) {
            Channel c;
            while ((c = added.poll()) != null) {
                channels.add(c);
                Channel added = c;
                guarded(added, () -> added.warm(poller, out));
            }
            Ticket t;
            while ((t = removed.poll()) != null) {
                for (int k = channels.size() - 1; k >= 0; k--) {
                    if (channels.get(k).ticket == t) {
                        channels.remove(k).close();
                    }
                }
            }
            int n = 0;
            List<Channel> polled = new ArrayList<>(channels.size());
            for (Channel ch : channels) {
                if (ch.fd() >= 0) {
                    if (n == fds.length) {
                        fds = java.util.Arrays.copyOf(fds, n * 2);
                        ready = new boolean[n * 2];
                    }
                    fds[n++] = ch.fd();
                    polled.add(ch);
                }
            }
            try {
                poller.await(fds, n, -1, ready);
            } catch (NativeException e) {
                log.error("readiness channels cannot be polled", "error", e.getMessage());
                return;
            }
            for (int k = 0; k < n; k++) {
                if (ready[k]) {
                    Channel ch = polled.get(k);
                    guarded(ch, () -> ch.readable(poller, out));
                }
            }
        }
    }

    /** Runs a channel's read; a channel that fails is closed, and the others go on. */
    private void guarded(Channel c, Runnable read) {
        try {
            read.run();
        } catch (RuntimeException e) {
            log.warn("readiness channel failed; closed", "service", c.ticket.service, "instance", c.ticket.instance,
                    "error", e.toString());
            c.close();
        }
    }

    @Override
    public synchronized void close() {
        closing = true;
        if (thread != null) {
            poller.wake();
        }
    }
}
