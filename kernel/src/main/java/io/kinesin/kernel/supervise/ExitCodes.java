package io.kinesin.kernel.supervise;

import java.util.Map;

/**
 * Remaps a child's status (its exit code, or 128+N for signal N) before kinesin judges it,
 * like tini's {@code -e}: {@code 143 → 0} makes a JVM's exit on SIGTERM a success.
 */
public record ExitCodes(Map<Integer, Integer> remap) {

    public static final ExitCodes NONE = new ExitCodes(Map.of());

    public ExitCodes {
        remap = Map.copyOf(remap);
        remap.forEach((from, to) -> {
            if (from < 0 || from > 255 || to < 0 || to > 255) {
                throw new IllegalArgumentException("exit codes are 0-255, not " + from + " → " + to);
            }
        });
    }

    public int apply(int code) {
        return remap.getOrDefault(code, code);
    }
}
