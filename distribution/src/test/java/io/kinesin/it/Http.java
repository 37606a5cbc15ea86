package io.kinesin.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A plain HTTP/1.1 client on a socket, for kinesin's endpoint: one request per connection,
 * the whole answer read. Plain sockets so that a test sees exactly what was sent and answered.
 */
final class Http {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: status code, the headers' text, the body. */
    record Answer(int code, String headers, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        String header(String name) {
            for (String line : headers.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).strip();
                }
            }
            return null;
        }
    }

    private final int port;

    Http(int port) {
        this.port = port;
    }

    int port() {
        return port;
    }

    Answer get(String path) throws IOException {
        return request("GET", path, "");
    }

    Answer get(String path, String extraHeaders) throws IOException {
        return request("GET", path, extraHeaders);
    }

    /** {@code extraHeaders}: lines ending in CRLF. */
    Answer request(String method, String path, String extraHeaders) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extraHeaders + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = all.indexOf("\r\n\r\n");
            if (end < 0) {
                throw new IOException("no complete answer: " + all);
            }
            String head = all.substring(0, end);
            int code = Integer.parseInt(head.split(" ", 3)[1]);
            return new Answer(code, head, all.substring(end + 4));
        }
    }

    /** The answer, or null while nothing answers on the port. */
    Answer tryGet(String path) {
        try {
            return get(path);
        } catch (IOException e) {
            return null;
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
