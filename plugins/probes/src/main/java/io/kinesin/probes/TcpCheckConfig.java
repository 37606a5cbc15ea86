package io.kinesin.probes;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A {@code tcp} check's own settings (the kernel removes {@code type}, {@code every},
 * {@code timeout} and its other scheduling keys before binding the rest here):
 * <pre>
 * health:
 *   - { type: tcp, address: "127.0.0.1:5432" }
 * </pre>
 * {@code address} is {@code host:port}; an IPv6 host in brackets ({@code [::1]:5432}); no host
 * ({@code :5432}) is the loopback address.
 */
public record TcpCheckConfig(@JsonProperty("address") String address) {

    private static final String EXAMPLE = "e.g. address: 127.0.0.1:5432";

    public TcpCheckConfig {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("address: required: the host:port to connect to, " + EXAMPLE);
        }
        address = address.strip();
        int colon = address.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("address: \"" + address + "\" has no port; write host:port, " + EXAMPLE);
        }
        String host = address.substring(0, colon);
        if (host.indexOf(':') >= 0 && !(host.startsWith("[") && host.endsWith("]"))) {
            throw new IllegalArgumentException("address: \"" + address + "\": write an IPv6 address in brackets, e.g. [::1]:5432");
        }
        parsePort(address, address.substring(colon + 1));
    }

    /** The host to connect to: a name or an address literal, brackets removed; empty for loopback. */
    public String host() {
        String host = address.substring(0, address.lastIndexOf(':'));
        return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    }

    public int port() {
        return parsePort(address, address.substring(address.lastIndexOf(':') + 1));
    }

    private static int parsePort(String address, String port) {
        if (port.isEmpty()) {
            throw new IllegalArgumentException("address: \"" + address + "\" has no port; write host:port, " + EXAMPLE);
        }
        int n;
        try {
            n = port.chars().allMatch(c -> c >= '0' && c <= '9') ? Integer.parseInt(port) : -1;
        } catch (NumberFormatException tooLong) {
            n = -1;
        }
        if (n < 1 || n > 65535) {
            throw new IllegalArgumentException("address: \"" + port + "\" in \"" + address + "\" is no port; use a number 1-65535, " + EXAMPLE);
        }
        return n;
    }
}
