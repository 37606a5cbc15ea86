package io.kinesin.probes;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An {@code http} check's own settings (the kernel removes {@code type}, {@code every},
 * {@code timeout} and its other scheduling keys before binding the rest here):
 * <pre>
 * health:
 *   - type: http
 *     url: http://127.0.0.1:8080/healthz   # required; http or https
 *     method: GET                          # the default; sent upper-case
 *     headers: { X-Probe: kinesin }        # optional
 * </pre>
 * Each header is tried on a real request here, so a name the JDK's client refuses
 * ({@code Host}, {@code Connection}...) is a config error, not a check that fails forever.
 *
 * @param method null means {@code GET}
 * @param headers null means none
 */
public record HttpCheckConfig(@JsonProperty("url") String url,
                              @JsonProperty("method") String method,
                              @JsonProperty("headers") Map<String, String> headers) {

    public HttpCheckConfig {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("url: required: the address to request, e.g. url: http://127.0.0.1:8080/healthz");
        }
        URI uri = parse(url);
        method = method == null ? "GET" : method.strip().toUpperCase(Locale.ROOT);
        try {
            HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("method: \"" + method + "\" is no HTTP method the check can send; use GET, HEAD, POST...", e);
        }
        Map<String, String> copy = new LinkedHashMap<>();
        if (headers != null) {
            headers.forEach((name, value) -> {
                if (value == null) {
                    throw new IllegalArgumentException("headers." + name + ": has no value; give it one, or leave the header out");
                }
                try {
                    HttpRequest.newBuilder(uri).header(name, value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("headers." + name + ": " + e.getMessage()
                            + "; the JDK's HTTP client sets Host, Connection, Content-Length, Expect and Upgrade itself", e);
                }
                copy.put(name, value);
            });
        }
        headers = Collections.unmodifiableMap(copy);
    }

    public URI uri() {
        return parse(url);
    }

    /** The request one check sends: no body, the deadline as the client's own timeout. */
    HttpRequest request(Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri()).timeout(timeout).method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(b::header);
        return b.build();
    }

    private static URI parse(String url) {
        String u = url.strip();
        String scheme = u.toLowerCase(Locale.ROOT);
        if (!scheme.startsWith("http://") && !scheme.startsWith("https://")) {
            throw new IllegalArgumentException("url: \"" + url + "\" is not http or https; write it like http://127.0.0.1:8080/healthz");
        }
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url: \"" + url + "\" is no URL (" + e.getReason() + " at index " + e.getIndex()
                    + "), e.g. url: http://127.0.0.1:8080/healthz");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("url: \"" + url + "\" names no host; write it like http://127.0.0.1:8080/healthz");
        }
        return uri;
    }
}
