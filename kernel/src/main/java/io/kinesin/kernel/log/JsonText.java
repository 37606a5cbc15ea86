package io.kinesin.kernel.log;

/** A string as a JSON (and logfmt) quoted value: {@code "a \"b\"\n"} with control characters escaped. */
public final class JsonText {

    private JsonText() {
    }

    public static void quote(StringBuilder sb, String v) {
        sb.append('"');
        escape(sb, v);
        sb.append('"');
    }

    static void escape(StringBuilder sb, String v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
    }
}
