package io.kinesin.kernel.config;

import io.kinesin.spi.Signal;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code rewrite: { TERM: QUIT, HUP: 0 }}: signal received → signal sent; 0 drops it. */
final class Rewrites {

    private Rewrites() {
    }

    static Map<String, String> check(Map<String, String> rewrite, String field) {
        if (rewrite == null) {
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : rewrite.entrySet()) {
            String from = parse(e.getKey(), field + "." + e.getKey()).name();
            String to = e.getValue() == null ? "" : e.getValue().strip();
            out.put(from, to.equals("0") ? "0" : parse(to, field + "." + e.getKey()).name());
        }
        return out;
    }

    static Map<Signal, Signal> signals(Map<String, String> rewrite) {
        Map<Signal, Signal> out = new HashMap<>();
        rewrite.forEach((from, to) -> out.put(Signal.parse(from), to.equals("0") ? null : Signal.parse(to)));
        return out;
    }

    private static Signal parse(String text, String field) {
        try {
            return Signal.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigProblem(field, e.getMessage());
        }
    }
}
