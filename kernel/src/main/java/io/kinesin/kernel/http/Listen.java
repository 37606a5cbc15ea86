package io.kinesin.kernel.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Where the HTTP endpoint listens: {@code kinesin.http.listen} or {@code --http}. {@code :8558}
 * binds every interface (IPv4 and IPv6); {@code 127.0.0.1:8558} and {@code [::1]:8558} one
 * address. Only IP literals (and {@code localhost}): a name that must be looked up could
 * resolve differently at each start.
 *
 * @param host null for every interface
 * @param port 1-65535, or 0 for any free port (the log says which)
 */
public record Listen(String host, int port) {

    public Listen {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range 0-65535");
        }
    }

    /** Parses {@code :PORT}, {@code HOST:PORT} or {@code [IPV6]:PORT}; the message says what is wrong and what is expected. */
    public static Listen parse(String text) {
        String t = text == null ? "" : text.strip();
        int colon = t.lastIndexOf(':');
        if (colon < 0) {
            throw bad(text, "no port");
        }
        String host = t.substring(0, colon);
        String port = t.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
            if (!host.contains(":")) {
                throw bad(text, "brackets are for IPv6 addresses");
            }
        } else if (host.contains(":")) {
            throw bad(text, "an IPv6 address goes in brackets");
        }
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw bad(text, "the port \"" + port + "\" is not a number");
        }
        if (p < 0 || p > 65535) {
            throw bad(text, "the port " + p + " is out of range 0-65535");
        }
        if (host.isEmpty()) {
            return new Listen(null, p);
        }
        if (!host.equals("localhost") && !literal(host)) {
            throw bad(text, "\"" + host + "\" is not an IP address");
        }
        return new Listen(host, p);
    }

    private static boolean literal(String host) {
        if (host.contains(":")) {
            return host.matches("[0-9a-fA-F:.]+");
        }
        return host.matches("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})")
                && java.util.Arrays.stream(host.split("\\.")).allMatch(o -> Integer.parseInt(o) <= 255);
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("\"" + text + "\": " + why
                + "; expected :PORT (every interface), 127.0.0.1:PORT or [::1]:PORT, e.g. :8558");
    }

    /** The socket address to bind; a literal never needs a lookup. */
    public InetSocketAddress address() {
        if (host == null) {
            return new InetSocketAddress(port);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(host + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return (host == null ? "" : host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
