package io.kinesin.kernel.config;

import java.util.Collection;

/** Unknown keys: the error names the nearest known one. */
final class Keys {

    private Keys() {
    }

    static ConfigProblem unknown(String key, Collection<String> known) {
        return new ConfigProblem(key, message(key, known));
    }

    static String message(String key, Collection<String> known) {
        String near = Suggestions.nearest(key, known);
        return near != null
                ? "unknown key; did you mean \"" + near + "\"?"
                : "unknown key; expected one of " + String.join(", ", known);
    }
}
