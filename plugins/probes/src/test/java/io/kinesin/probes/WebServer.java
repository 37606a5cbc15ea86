package io.kinesin.probes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A real HTTP server on the loopback interface for the http check's tests: {@code /ok} answers
 * 200, {@code /error} 500, {@code /moved} 302 to {@code /ok}, {@code /strict} 200 only to a
 * POST with {@code X-Probe: kinesin} (else 400), and {@code /endless} sends 200 and then a body
 * that never ends.
 */
final class WebServer implements AutoCloseable {

    private final HttpServer server;
    private final CountDownLatch stopped = new CountDownLatch(1);

    WebServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/ok", e -> answer(e, 200));
        server.createContext("/error", e -> answer(e, 500));
        server.createContext("/moved", e -> {
            e.getResponseHeaders().add("Location", "/ok");
            answer(e, 302);
        });
        server.createContext("/strict", e -> answer(e,
                e.getRequestMethod().equals("POST") && "kinesin".equals(e.getRequestHeaders().getFirst("X-Probe")) ? 200 : 400));
        server.createContext("/endless", this::endless);
        server.start();
    }

    String url(String path) {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + path;
    }

    private static void answer(HttpExchange e, int status) throws IOException {
        byte[] body = Integer.toString(status).getBytes(StandardCharsets.US_ASCII);
        e.getRequestBody().readAllBytes();
        e.sendResponseHeaders(status, body.length);
        try (OutputStream out = e.getResponseBody()) {
            out.write(body);
        }
    }

    private void endless(HttpExchange e) throws IOException {
        e.sendResponseHeaders(200, 0);
        OutputStream out = e.getResponseBody();
        out.write("the first of many bytes".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        e.close();
    }

    @Override
    public void close() {
        stopped.countDown();
        server.stop(0);
    }
}
