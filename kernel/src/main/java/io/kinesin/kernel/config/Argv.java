package io.kinesin.kernel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A service's {@code command}: a list is the argv (no shell in between); a string is one
 * program with no arguments (write {@code [sh, -c, "..."]} for shell syntax).
 */
record Argv(List<String> args) {

    Argv {
        args = List.copyOf(args);
        if (args.isEmpty()) {
            throw new ConfigProblem("an empty command runs nothing; give the program and its arguments, e.g. [/usr/bin/app, --port, \"8080\"]");
        }
        if (args.getFirst().isEmpty()) {
            throw new ConfigProblem("[0]", "the program name is empty");
        }
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Argv of(JsonNode n) {
        if (n.isTextual()) {
            return new Argv(List.of(n.textValue()));
        }
        if (!n.isArray()) {
            throw new ConfigProblem(Values.describe(n) + " is not a command; expected a list such as [/usr/bin/app, --flag] or one program name");
        }
        List<String> args = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            JsonNode a = n.get(i);
            if (a.isTextual() || a.isNumber()) {
                args.add(a.asText());
            } else {
                throw new ConfigProblem("[" + i + "]", Values.describe(a) + " is not an argument; quote it as a string");
            }
        }
        return new Argv(args);
    }

    @JsonValue
    List<String> json() {
        return args;
    }
}
