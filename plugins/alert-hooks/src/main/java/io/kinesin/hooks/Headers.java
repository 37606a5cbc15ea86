package io.kinesin.hooks;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A webhook's {@code headers}: names and values as configured (a value is often a token, from
 * {@code ${VAR}}), that never show their values when printed: {@code toString()} and Jackson's
 * serialization, which {@code kinesin check} prints the normalized config with, write every
 * value as {@value #REDACTED}. Checked by {@link WebhookConfig}, which knows the URL.
 *
 * @param values null values are kept for the config to refuse with the header's name
 */
public record Headers(Map<String, String> values) {

    static final String REDACTED = "<redacted>";
    static final Headers NONE = new Headers(Map.of());

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public Headers {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values == null ? Map.of() : values));
    }

    /** What is printed: the names, each value {@value #REDACTED}. */
    @JsonValue
    public Map<String, String> redacted() {
        Map<String, String> shown = new LinkedHashMap<>();
        values.keySet().forEach(name -> shown.put(name, REDACTED));
        return shown;
    }

    @Override
    public String toString() {
        return redacted().toString();
    }
}
