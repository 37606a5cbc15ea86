package io.kinesin.hooks;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Locale;

/**
 * A {@code webhook} hook's own settings (the kernel removes {@code type} and {@code when}, and
 * always passes {@code timeout}, 10s unless configured):
 * <pre>
 * on-death:
 *   - type: webhook
 *     url: https://hooks.slack.com/services/T0/B0/X     # required; http or https
 *     headers: { Authorization: "Bearer ${ALERT_TOKEN}" } # optional; values never printed
 *     timeout: 5s
 * </pre>
 * Each header is tried on a real request here, so a name the JDK's client refuses
 * ({@code Host}, {@code Content-Length}...) is a config error, not a hook that fails at every
 * death; an error about a header names it, never its value.
 *
 * @param headers null means none
 * @param timeout the whole call's budget, a retry included
 */
public record WebhookConfig(@JsonProperty("url") String url,
                            @JsonProperty("headers") Headers headers,
                            @JsonProperty("timeout") Duration timeout) {

    private static final String EXAMPLE = "e.g. url: https://hooks.slack.com/services/T0/B0/X";

    public WebhookConfig {
        URI uri = parse(url);
        url = url.strip();
        headers = headers == null ? Headers.NONE : headers;
        headers.values().forEach((name, value) -> {
            if (value == null) {
                throw new IllegalArgumentException("headers." + name + ": has no value; give it one, or leave the header out");
            }
            try {
                HttpRequest.newBuilder(uri).header(name, "x");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("headers." + name + ": " + e.getMessage()
                        + "; the JDK's HTTP client sets Host, Connection, Content-Length, Expect and Upgrade itself", e);
            }
            try {
                HttpRequest.newBuilder(uri).header(name, value);
            } catch (IllegalArgumentException e) {
                // the JDK's message may quote the value, which may be a secret
                throw new IllegalArgumentException("headers." + name + ": the value holds a character no header can carry "
                        + "(a line break?); the value is not shown, it may be a secret");
            }
        });
        timeout = Timeouts.check(timeout);
    }

    public URI uri() {
        return parse(url);
    }

    /**
     * Where the hook posts, as its errors name it: scheme, host and port, never the path or
     * query (a Slack webhook's path is its secret).
     */
    String destination() {
        URI u = uri();
        return u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    }

    private static URI parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("url: required: the address to POST the facts to, " + EXAMPLE);
        }
        String u = url.strip();
        String lower = u.toLowerCase(Locale.ROOT);
        if (!lower.startsWith("http://") && !lower.startsWith("https://")) {
            throw new IllegalArgumentException("url: is not http or https; write it like https://hooks.example.com/alert");
        }
        URI uri;
        try {
            uri = new URI(u);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url: is no URL (" + e.getReason() + " at index " + e.getIndex() + "); " + EXAMPLE);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("url: names no host; write it like https://hooks.example.com/alert");
        }
        return uri;
    }
}
