package io.kinesin.kernel.control;

import io.kinesin.kernel.log.Log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * One client of the control socket, on its own thread: its peer is checked, its one request
 * read (within {@link #READ_WITHIN}) and answered, then the connection is closed.
 */
final class Connection {

    private static final Duration READ_WITHIN = Duration.ofSeconds(5);

    /** Where an answer goes: the client's socket. */
    interface Out {
        /** Writes all of {@code text}; an IOException means the client went away. */
        void write(byte[] text) throws IOException;

        /** Whether the client has closed its end (a follower pressed Ctrl-C). */
        boolean gone() throws IOException;
    }

    private final SocketChannel channel;
    private final ControlSocket.Peers peers;
    private final Answers answers;
    private final Log log;

    Connection(SocketChannel channel, ControlSocket.Peers peers, Answers answers, Log log) {
        this.channel = channel;
        this.peers = peers;
        this.answers = answers;
        this.log = log;
    }

    void serve() {
        try (channel) {
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            Out out = out();
            if (!peers.allowed(peer.user())) {
                log.warn("control socket: refused a peer that is neither root nor kinesin's user", "user", peer.user().getName());
                out.write(("1\nkinesin's control serves root and the user kinesin runs as only; you are "
                        + peer.user().getName() + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            String line = readLine();
            if (line == null) {
                return; // connected and went away: another kinesin looking whether this one is alive
            }
            Request request;
            try {
                request = Request.decode(line);
            } catch (IllegalArgumentException e) {
                out.write(("2\nbad request: " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            answers.answer(request, out);
        } catch (IOException e) {
            if (log.enabled(Log.Level.DEBUG)) {
                log.debug("control connection ended", "error", e.toString());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("control request failed", "error", e.toString());
        }
    }

    /** The request line, read within {@link #READ_WITHIN}; null if the client sends none. */
    private String readLine() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(Request.MAX_BYTES);
        long deadline = System.nanoTime() + READ_WITHIN.toNanos();
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (true) {
                for (int p = 0; p < buf.position(); p++) {
                    if (buf.get(p) == '\n') {
                        return new String(Arrays.copyOf(buf.array(), p), StandardCharsets.UTF_8);
                    }
                }
                long left = deadline - System.nanoTime();
                if (!buf.hasRemaining() || left <= 0) {
                    return null;
                }
                selector.select(Math.max(1, left / 1_000_000));
                selector.selectedKeys().clear();
                if (channel.read(buf) < 0) {
                    return null;
                }
            }
        }
    }

    private Out out() {
        return new Out() {
            private final ByteBuffer probe = ByteBuffer.allocate(64);

            @Override
            public void write(byte[] text) throws IOException {
                synchronized (channel.blockingLock()) {
                    if (!channel.isBlocking()) {
                        selectorFree();
                        channel.configureBlocking(true);
                    }
                }
                ByteBuffer b = ByteBuffer.wrap(text);
                while (b.hasRemaining()) {
                    channel.write(b);
                }
            }

            @Override
            public boolean gone() throws IOException {
                channel.configureBlocking(false);
                try {
                    probe.clear();
                    return channel.read(probe) < 0;
                } finally {
                    channel.configureBlocking(true);
                }
            }
        };
    }

    /** A channel registered with a selector cannot block again until the selector has let it go. */
    private void selectorFree() throws IOException {
        // the selector was closed in readLine; its deregistration completes on the next select, so
        // wait (briefly, bounded) until the channel is no longer registered
        for (int i = 0; i < 100 && channel.isRegistered(); i++) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted");
            }
        }
    }
}
