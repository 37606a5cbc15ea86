package io.kinesin.probes;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * Real TCP targets on the loopback interface for one test, closed with it: one that accepts
 * and never says a word, one whose listen queue is full, and a port nothing listens on.
 */
final class Servers implements AutoCloseable {

    private final List<Closeable> open = new ArrayList<>();

    /** A server that accepts connections and then neither reads nor writes. */
    synchronized InetSocketAddress silent() throws IOException {
        ServerSocket server = listen(50);
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    Socket s = server.accept();
                    synchronized (this) {
                        open.add(s);
                    }
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /** A server that accepts every connection, closing each at once. */
    synchronized InetSocketAddress accepting() throws IOException {
        ServerSocket server = listen(50);
        Thread.ofVirtual().start(() -> {
            try {
                while (true) {
                    server.accept().close();
                }
            } catch (IOException closed) {
                // the test is over
            }
        });
        return (InetSocketAddress) server.getLocalSocketAddress();
    }

    /**
     * A listening socket that never accepts, with its queue filled up: Linux then drops every
     * new SYN (the client retries for a minute or more), so a connect neither completes nor is
     * refused, deterministically and without depending on the network as an unroutable address
     * would. The queue is filled by connecting until a connect is left unanswered.
     */
    synchronized InetSocketAddress fullBacklog() throws IOException {
        ServerSocket server = listen(1);
        for (int i = 0; i < 32; i++) {
            Socket s = new Socket();
            try {
                s.connect(server.getLocalSocketAddress(), 250);
                open.add(s);
            } catch (SocketTimeoutException full) {
                s.close();
                return (InetSocketAddress) server.getLocalSocketAddress();
            }
        }
        throw new IllegalStateException("the listen queue never filled up: 32 connects completed");
    }

    /** A loopback port nothing listens on (it did a moment ago): a connect is refused. */
    static InetSocketAddress closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return (InetSocketAddress) s.getLocalSocketAddress();
        }
    }

    /** {@code host:port} as a tcp check's {@code address}. */
    static String address(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private ServerSocket listen(int backlog) throws IOException {
        ServerSocket server = new ServerSocket(0, backlog, InetAddress.getLoopbackAddress());
        open.add(server);
        return server;
    }

    @Override
    public synchronized void close() throws IOException {
        for (Closeable c : open) {
            c.close();
        }
        open.clear();
    }
}
