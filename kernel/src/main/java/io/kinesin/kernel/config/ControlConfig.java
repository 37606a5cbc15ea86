package io.kinesin.kernel.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.kinesin.kernel.control.ControlSpec;
import io.kinesin.kernel.logbus.History;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code kinesin.control}: {@code { socket: PATH, history: LINES }}, or {@code false} to turn
 * control off. Read from the raw node because it may be a boolean or a map.
 */
final class ControlConfig {

    private static final List<String> KEYS = List.of("socket", "history");
    /** The most lines per stream {@code history} may keep. */
    static final int MAX_HISTORY = 1_000_000;

    private final boolean off;
    private final String socket;
    private final int history;

    private ControlConfig(boolean off, String socket, int history) {
        this.off = off;
        this.socket = socket;
        this.history = history;
    }

    static ControlConfig of(JsonNode node) {
        if (node == null || node.isNull() || Boolean.TRUE.equals(bool(node))) {
            return new ControlConfig(false, null, History.DEFAULT_LINES);
        }
        if (Boolean.FALSE.equals(bool(node))) {
            return new ControlConfig(true, null, History.DEFAULT_LINES);
        }
        if (!node.isObject()) {
            throw new ConfigProblem("control", "expected { socket: PATH, history: LINES } or false (no control socket), not " + node);
        }
        Suggestions.rejectUnknown(node, "control", KEYS);
        boolean off = false;
        String socket = null;
        JsonNode s = node.get("socket");
        if (s != null && !s.isNull()) {
            if (Boolean.FALSE.equals(bool(s))) {
                off = true;
            } else if (s.isTextual() && !s.asText().isBlank()) {
                socket = s.asText();
            } else {
                throw new ConfigProblem("control.socket", "expected the socket's path (e.g. /run/kinesin/control.sock) or false, not " + s);
            }
        }
        int history = History.DEFAULT_LINES;
        JsonNode h = node.get("history");
        if (h != null && !h.isNull()) {
            try {
                history = h.isIntegralNumber() ? h.intValue() : Integer.parseInt(h.asText().strip());
            } catch (NumberFormatException e) {
                history = -1;
            }
            if (history < 1 || history > MAX_HISTORY || !(h.isIntegralNumber() || h.isTextual())) {
                throw new ConfigProblem("control.history", "expected the lines kept per stream for kinesin logs, 1 to "
                        + MAX_HISTORY + ", not " + h);
            }
        }
        return new ControlConfig(off, socket, history);
    }

    /** A boolean, as YAML, TOML or JSON writes it (YAML's scalars arrive as text; yes/no and on/off too); null for anything else. */
    private static Boolean bool(JsonNode n) {
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        if (n.isTextual()) {
            return switch (n.asText().strip().toLowerCase(java.util.Locale.ROOT)) {
                case "true", "yes", "on" -> true;
                case "false", "no", "off" -> false;
                default -> null;
            };
        }
        return null;
    }

    /**
     * The socket {@code run} serves: {@code --control}, else {@code $KINESIN_CONTROL}, else the
     * config's, else the default (the only one whose failure is not an error).
     */
    ControlSpec spec(String option, String environment) {
        if (option != null) {
            return new ControlSpec(Path.of(option), true, history);
        }
        if (environment != null && !environment.isEmpty()) {
            return new ControlSpec(Path.of(environment), true, history);
        }
        if (off) {
            return ControlSpec.OFF;
        }
        return socket != null ? new ControlSpec(Path.of(socket), true, history)
                : new ControlSpec(ControlSpec.DEFAULT_SOCKET, false, history);
    }
}
