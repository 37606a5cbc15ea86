package io.kinesin.kernel.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.kinesin.kernel.http.Listen;

import java.util.List;

/** {@code kinesin.http}: {@code { listen: ":8558" }}; absent, no endpoint. Read from the raw node, as {@link ControlConfig}. */
final class HttpConfig {

    private static final List<String> KEYS = List.of("listen");

    private HttpConfig() {
    }

    /** The address to serve on, null when there is no {@code kinesin.http}. */
    static Listen of(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new ConfigProblem("http", "expected { listen: \":8558\" }, not " + node);
        }
        Suggestions.rejectUnknown(node, "http", KEYS);
        JsonNode listen = node.get("listen");
        if (listen == null || listen.isNull()) {
            throw new ConfigProblem("http.listen", "missing; give the address to serve on, e.g. \":8558\"");
        }
        if (!listen.isTextual() && !listen.isIntegralNumber()) {
            throw new ConfigProblem("http.listen", "expected an address such as \":8558\", not " + listen);
        }
        try {
            return Listen.parse(listen.isIntegralNumber() ? ":" + listen.asText() : listen.asText());
        } catch (IllegalArgumentException e) {
            throw new ConfigProblem("http.listen", e.getMessage());
        }
    }
}
