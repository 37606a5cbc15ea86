package io.kinesin.preload;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * What the plugin sends the preloader, as JSON (preloader.rb's header describes the whole
 * protocol): the app to load, then one request per worker. Strings are written as UTF-8, so
 * an environment value that was no valid UTF-8 reaches a worker with U+FFFD in its place.
 */
final class Messages {

    /** A message's room on the link (the kernel's bound): a request must fit. */
    static final int MAX = 64 * 1024;

    private Messages() {
    }

    static byte[] load(String service, String load) {
        return ("{\"service\":" + quote(service) + ",\"load\":" + quote(load) + "}").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A worker to fork: its environment as changes to the preloader's ({@code set} and
     * {@code unset}: the whole of it rarely fits a message; the changes are a few variables),
     * the fd numbers of the fds sent with it, and the code to run.
     */
    static byte[] fork(int instance, Map<String, String> set, List<String> unset, List<Integer> fds, String run) {
        StringBuilder json = new StringBuilder("{\"instance\":").append(instance).append(",\"set\":{");
        String comma = "";
        for (var e : set.entrySet()) {
            json.append(comma).append(quote(e.getKey())).append(':').append(quote(e.getValue()));
            comma = ",";
        }
        json.append("},\"unset\":[");
        comma = "";
        for (String name : unset) {
            json.append(comma).append(quote(name));
            comma = ",";
        }
        json.append("],\"fds\":[");
        comma = "";
        for (int fd : fds) {
            json.append(comma).append(fd);
            comma = ",";
        }
        json.append("],\"run\":").append(quote(run)).append('}');
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String quote(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20 || Character.isSurrogate(c) && !validPair(s, i)) {
                        out.append(String.format("\\u%04x", c < 0x20 ? (int) c : 0xfffd));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /** True for either half of a well-formed surrogate pair (a lone half has no UTF-8 form). */
    private static boolean validPair(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
