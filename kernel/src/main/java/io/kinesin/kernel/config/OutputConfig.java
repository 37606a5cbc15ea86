package io.kinesin.kernel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service's {@code stdout} / {@code stderr}: {@code inherit} (kinesin's own fd, no copy),
 * {@code null} (/dev/null), or {@code { sinks: [console, ...] }} (read by kinesin, line by line).
 */
record OutputConfig(Mode mode, List<String> sinks) {

    static final OutputConfig CONSOLE = new OutputConfig(Mode.SINKS, List.of("console"));

    enum Mode { INHERIT, NULL, SINKS }

    OutputConfig {
        sinks = sinks == null ? List.of() : List.copyOf(sinks);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static OutputConfig of(JsonNode n) {
        if (n.isTextual()) {
            return switch (n.textValue().strip()) {
                case "inherit" -> new OutputConfig(Mode.INHERIT, null);
                case "null" -> new OutputConfig(Mode.NULL, null);
                default -> throw new ConfigProblem("unknown output " + Values.describe(n)
                        + "; expected inherit, null, or { sinks: [console, ...] }");
            };
        }
        if (!n.isObject()) {
            throw new ConfigProblem(Values.describe(n) + " is not an output; expected inherit, null, or { sinks: [console, ...] }");
        }
        List<String> sinks = null;
        for (var e : n.properties()) {
            switch (e.getKey()) {
                case "sinks" -> sinks = names(e.getValue());
                case "buffer", "overflow" -> NotYet.reject(e.getValue(), e.getKey(), "output buffering (" + e.getKey() + ")");
                default -> throw Keys.unknown(e.getKey(), List.of("sinks", "buffer", "overflow"));
            }
        }
        if (sinks == null) {
            throw new ConfigProblem("sinks", "list where the lines go, e.g. sinks: [console]");
        }
        return new OutputConfig(Mode.SINKS, sinks);
    }

    private static List<String> names(JsonNode n) {
        if (!n.isArray()) {
            throw new ConfigProblem("sinks", Values.describe(n) + " is not a list of sink names, e.g. [console]");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isTextual()) {
                throw new ConfigProblem("sinks[" + i + "]", Values.describe(n.get(i)) + " is not a sink name");
            }
            out.add(n.get(i).textValue());
        }
        return out;
    }

    @JsonValue
    Object json() {
        return switch (mode) {
            case INHERIT -> "inherit";
            case NULL -> "null";
            case SINKS -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("sinks", sinks);
                yield m;
            }
        };
    }
}
