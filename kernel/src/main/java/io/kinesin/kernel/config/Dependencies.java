package io.kinesin.kernel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.kinesin.kernel.supervise.Condition;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code depends-on: { db: ready, migrate: completed }}; a list {@code [db]} means started. */
record Dependencies(Map<String, Condition> on) {

    Dependencies {
        on = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(on));
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Dependencies of(JsonNode n) {
        Map<String, Condition> on = new LinkedHashMap<>();
        if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                if (!n.get(i).isTextual()) {
                    throw new ConfigProblem("[" + i + "]", Values.describe(n.get(i)) + " is not a service name");
                }
                on.put(n.get(i).textValue(), Condition.STARTED);
            }
        } else if (n.isObject()) {
            for (var e : n.properties()) {
                try {
                    on.put(e.getKey(), Values.choice(e.getValue(), Condition.class, "condition"));
                } catch (ConfigProblem p) {
                    throw p.under(e.getKey());
                }
            }
        } else {
            throw new ConfigProblem(Values.describe(n) + " is not a dependency list; expected e.g. { db: ready } or [db]");
        }
        return new Dependencies(on);
    }

    @JsonValue
    Map<String, String> json() {
        Map<String, String> out = new LinkedHashMap<>();
        on.forEach((k, v) -> out.put(k, Values.label(v)));
        return out;
    }
}
