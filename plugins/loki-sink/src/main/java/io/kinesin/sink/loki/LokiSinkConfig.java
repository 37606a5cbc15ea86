package io.kinesin.sink.loki;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonValue;
import io.kinesin.spi.ByteSize;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@code loki} sink's settings, as the kernel binds them from its node of the config file:
 * <pre>
 * loki:
 *   type: loki
 *   url: http://loki:3100/loki/api/v1/push     # required; a bare http://loki:3100 gets the push path
 *   labels: { app: shop, env: "${ENV:-dev}" }  # besides service, stream, instance
 *   tenant: shop                               # X-Scope-OrgID, optional
 *   auth: { bearer: "${LOKI_TOKEN}" }          # or { basic: "user:${LOKI_PASSWORD}" }; optional
 *   batch: { lines: 1000, bytes: 1MiB, wait: 1s }
 * </pre>
 * ({@code queue} is the kernel's, as for every sink.) Constructed means valid: each check
 * names its key and the fix.
 *
 * @param labels null: none beyond service, stream and instance
 * @param auth   null: no Authorization header
 * @param batch  null: the defaults
 */
public record LokiSinkConfig(@JsonProperty("url") String url,
                             @JsonProperty("labels") Map<String, String> labels,
                             @JsonProperty("tenant") String tenant,
                             @JsonProperty("auth") Auth auth,
                             @JsonProperty("batch") Batch batch) {

    /** The labels kinesin sets on every line; a configured label may not take their names. */
    static final java.util.List<String> OWN_LABELS = java.util.List.of("service", "stream", "instance");
    private static final String PUSH_PATH = "/loki/api/v1/push";

    public LokiSinkConfig {
        url = pushUrl(url);
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(labels));
        labels.forEach((name, value) -> {
            if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                throw new IllegalArgumentException("labels: \"" + name + "\" is no Loki label name; use letters, digits and _, "
                        + "not starting with a digit (e.g. env, app_name)");
            }
            if (OWN_LABELS.contains(name)) {
                throw new IllegalArgumentException("labels: \"" + name + "\" is set by kinesin on every line (service, stream, "
                        + "instance); pick another name");
            }
            if (value == null || value.isEmpty()) {
                throw new IllegalArgumentException("labels: \"" + name + "\" needs a value; Loki drops a label with an empty one");
            }
        });
        if (tenant != null && tenant.isBlank()) {
            throw new IllegalArgumentException("tenant: must not be empty; leave it out to send no X-Scope-OrgID");
        }
        batch = batch == null ? Batch.DEFAULT : batch;
    }

    /** {@code url}, checked, with Loki's push path added to a bare server address. */
    private static String pushUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("url: required: Loki's push endpoint, e.g. url: http://loki:3100/loki/api/v1/push");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("url: \"" + url + "\" is no URL (" + e.getReason() + "); e.g. http://loki:3100/loki/api/v1/push");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("url: \"" + url + "\" is no http(s) URL with a host; e.g. http://loki:3100/loki/api/v1/push");
        }
        String path = uri.getRawPath();
        return path == null || path.isEmpty() || path.equals("/") ? url.strip().replaceAll("/$", "") + PUSH_PATH : url.strip();
    }

    /**
     * Credentials: {@code bearer} (an {@code Authorization: Bearer} token) or {@code basic}
     * ({@code user:password}, as Grafana Cloud takes them). Take them from the environment
     * ({@code "${LOKI_TOKEN}"}): they are printed redacted by {@code kinesin check} and never logged.
     */
    public record Auth(@JsonProperty("bearer") String bearer, @JsonProperty("basic") String basic) {

        static final String REDACTED = "<redacted>";

        public Auth {
            if ((bearer == null) == (basic == null)) {
                throw new IllegalArgumentException("auth: give one of bearer or basic, e.g. auth: { bearer: \"${LOKI_TOKEN}\" }");
            }
            if (bearer != null && bearer.isBlank()) {
                throw new IllegalArgumentException("auth.bearer: the token is empty; is its environment variable set?");
            }
            if (basic != null && (basic.indexOf(':') < 1)) {
                throw new IllegalArgumentException("auth.basic: expected user:password, e.g. basic: \"12345:${LOKI_PASSWORD}\"");
            }
        }

        String user() {
            return basic.substring(0, basic.indexOf(':'));
        }

        String password() {
            return basic.substring(basic.indexOf(':') + 1);
        }

        /** What {@code kinesin check} prints: which kind, and for basic the user, never the secret. */
        @JsonValue
        Map<String, String> redacted() {
            return bearer != null ? Map.of("bearer", REDACTED) : Map.of("basic", user() + ":" + REDACTED);
        }

        @Override
        public String toString() {
            return "Auth" + redacted();
        }
    }

    /**
     * How lines are grouped into pushes: a push holds at most {@code lines} lines and about
     * {@code bytes} bytes (as Loki counts them); a batch the log bus hands over that is bigger is
     * split. {@code wait} is loki4j's longest wait for a batch to fill; this sink keeps none:
     * it pushes each batch the log bus hands over at once, so that a line the bus counts as
     * delivered is in Loki, and lines never wait in the sink longer than the push. The key is
     * taken (and checked) so that a loki4j-style config binds; to gather a quiet service's lines
     * into fewer pushes, give its stream a {@code buffer.flush}.
     *
     * @param lines null: 1000
     * @param bytes a size such as {@code 1MiB}; null: 1MiB
     * @param waitFor {@code wait}: a duration such as {@code 1s} or {@code 500ms}; null: 1s
     */
    public record Batch(@JsonProperty("lines") Integer lines, @JsonProperty("bytes") String bytes, @JsonProperty("wait") String waitFor) {

        static final Batch DEFAULT = new Batch(null, null, null);

        public Batch {
            lines = lines == null ? 1000 : lines;
            if (lines < 1) {
                throw new IllegalArgumentException("batch.lines: must be 1 or more");
            }
            bytes = bytes == null ? "1MiB" : bytes;
            long b = ByteSize.parse(bytes, "batch.bytes");
            if (b < 1024 || b > 64L << 20) {
                throw new IllegalArgumentException("batch.bytes: must be between 1KiB and 64MiB (Loki takes 4MiB per push by default)");
            }
            waitFor = waitFor == null ? "1s" : waitFor;
            duration(waitFor);
        }

        int maxBytes() {
            return (int) ByteSize.parse(bytes, "batch.bytes");
        }

        private static void duration(String text) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m)").matcher(text.strip());
            if (!m.matches()) {
                throw new IllegalArgumentException("batch.wait: \"" + text + "\" is no duration; write it like 500ms, 1s or 1m");
            }
        }
    }
}
