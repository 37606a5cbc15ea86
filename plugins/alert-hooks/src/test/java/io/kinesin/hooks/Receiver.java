package io.kinesin.hooks;

import io.kinesin.spi.contract.ConfigBinding;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real webhook receiver on the loopback interface for one test: {@code /ok} answers 204,
 * {@code /error} 500, {@code /silent} takes the request and never answers. Every request
 * that arrives is kept, in order, with its headers and its body parsed as JSON.
 */
final class Receiver implements AutoCloseable {

    record Request(String method, String path, Headers headers, JsonNode json) {
    }

    private final HttpServer server;
    private final BlockingQueue<Request> received = new LinkedBlockingQueue<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final CountDownLatch stopped = new CountDownLatch(1);

    Receiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/ok", e -> answer(e, 204));
        server.createContext("/error", e -> answer(e, 500));
        server.createContext("/silent", e -> {
            keep(e);
            try {
                stopped.await();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            e.close();
        });
        server.start();
    }

    String url(String path) {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + path;
    }

    /** The next request to arrive, waiting at most 5s for it. */
    Request next() throws InterruptedException {
        Request r = received.poll(5, TimeUnit.SECONDS);
        if (r == null) {
            throw new AssertionError("no request arrived within 5s");
        }
        return r;
    }

    /** How many requests arrived, whatever their path. */
    int requests() {
        return requests.get();
    }

    private void keep(HttpExchange e) throws IOException {
        byte[] body = e.getRequestBody().readAllBytes();
        requests.incrementAndGet();
        received.add(new Request(e.getRequestMethod(), e.getRequestURI().getPath(), e.getRequestHeaders(), ConfigBinding.JSON.readTree(body)));
    }

    private void answer(HttpExchange e, int status) throws IOException {
        keep(e);
        e.sendResponseHeaders(status, -1);
        e.close();
    }

    @Override
    public void close() {
        stopped.countDown();
        server.stop(0);
    }

    /**
     * A TCP server that accepts each connection and closes it at once, without a byte: an
     * HTTP client sees the connection closed before any response. It counts the connections.
     */
    static final class Hangup implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final BlockingQueue<Integer> accepted = new LinkedBlockingQueue<>();

        Hangup() throws IOException {
            Thread.ofVirtual().start(() -> {
                int n = 0;
                try {
                    while (true) {
                        try (Socket s = server.accept()) {
                            s.setSoLinger(true, 0); // a reset, as a crashed proxy sends
                            accepted.add(++n);
                        }
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort() + "/alert";
        }

        /** The connections accepted so far: each is counted before it is closed. */
        List<Integer> accepted() {
            return List.copyOf(accepted);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** A loopback port nothing listens on (it did a moment ago): a connect is refused. */
    static String closedPortUrl(String path) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + s.getLocalPort() + path;
        }
    }
}
