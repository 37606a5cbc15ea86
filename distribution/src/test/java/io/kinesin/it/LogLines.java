package io.kinesin.it;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** kinesin's own logfmt lines, parsed: {@code ts=... level=info msg=spawned service=web ...}. */
final class LogLines {

    private static final Pattern PAIR = Pattern.compile("(\\w[\\w-]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|\\S*)");

    private LogLines() {
    }

    static List<Map<String, String>> parse(String stderr) {
        return stderr.lines().filter(l -> l.startsWith("ts=")).map(LogLines::line).toList();
    }

    static Map<String, String> line(String line) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = PAIR.matcher(line);
        while (m.find()) {
            String v = m.group(2);
            if (v.startsWith("\"")) {
                v = v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            out.put(m.group(1), v);
        }
        return out;
    }

    static List<Map<String, String>> events(String stderr, String msg, String service) {
        return parse(stderr).stream().filter(l -> msg.equals(l.get("msg")) && (service == null || service.equals(l.get("service")))).toList();
    }

    static Instant ts(Map<String, String> line) {
        return Instant.parse(line.get("ts"));
    }

    static Duration between(Map<String, String> a, Map<String, String> b) {
        return Duration.between(ts(a), ts(b));
    }
}
