package io.kinesin.kernel.config;

import java.util.Locale;

/** Where forwarded signals go: a child's whole process group, or its pid only. */
final class Target {

    static final String GROUP = "group";
    static final String PID = "pid";

    private Target() {
    }

    /** The normalized target; null stays null (not given). */
    static String parse(String text, String field) {
        if (text == null) {
            return null;
        }
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (!t.equals(GROUP) && !t.equals(PID)) {
            throw new ConfigProblem(field, "unknown target \"" + text + "\"; expected group, pid");
        }
        return t;
    }
}
