package io.kinesin.hooks;

import java.util.Map;

/** The webhook's body: one flat JSON object of strings, numbers, booleans and nulls (no Jackson in the plugin's jar). */
final class Json {

    private Json() {
    }

    static String object(Map<String, ?> fields) {
        StringBuilder b = new StringBuilder(256).append('{');
        fields.forEach((key, value) -> {
            if (b.length() > 1) {
                b.append(',');
            }
            string(b, key);
            b.append(':');
            switch (value) {
                case null -> b.append("null");
                case Number n -> b.append(n);
                case Boolean flag -> b.append(flag);
                default -> string(b, value.toString());
            }
        });
        return b.append('}').toString();
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
