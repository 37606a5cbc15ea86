package io.kinesin.kernel.supervise;

import java.time.Duration;
import java.util.Locale;

/** kinesin's duration syntax: {@code 250ms}, {@code 2s}, {@code 1m30s}, {@code 1h}; a bare number is seconds. */
public final class Durations {

    private Durations() {
    }

    /**
     * @throws IllegalArgumentException naming the text and the expected form
     */
    public static Duration parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.isEmpty()) {
            throw invalid(text);
        }
        if (t.matches("\\d+(\\.\\d+)?")) {
            return ofSeconds(Double.parseDouble(t), text);
        }
        Duration total = Duration.ZERO;
        int i = 0;
        while (i < t.length()) {
            int start = i;
            while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
                i++;
            }
            if (i == start) {
                throw invalid(text);
            }
            double amount;
            try {
                amount = Double.parseDouble(t.substring(start, i));
            } catch (NumberFormatException e) {
                throw invalid(text);
            }
            int unitStart = i;
            while (i < t.length() && Character.isLetter(t.charAt(i))) {
                i++;
            }
            double nanosPerUnit = switch (t.substring(unitStart, i)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                default -> throw invalid(text);
            };
            total = total.plusNanos(Math.round(amount * nanosPerUnit));
        }
        return total;
    }

    private static Duration ofSeconds(double seconds, String text) {
        if (seconds > 1e9) {
            throw invalid(text);
        }
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException("\"" + text + "\" is not a duration; expected e.g. 250ms, 2s, 1m30s (a bare number is seconds)");
    }

    /** The shortest exact form in kinesin's syntax: {@code 2s}, {@code 1m30s}, {@code 250ms}, {@code 0s}. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long nanos = d.toNanos();
        long hours = nanos / 3_600_000_000_000L;
        nanos -= hours * 3_600_000_000_000L;
        long minutes = nanos / 60_000_000_000L;
        nanos -= minutes * 60_000_000_000L;
        long seconds = nanos / 1_000_000_000L;
        nanos -= seconds * 1_000_000_000L;
        if (hours > 0) {
            sb.append(hours).append('h');
        }
        if (minutes > 0) {
            sb.append(minutes).append('m');
        }
        if (nanos == 0) {
            if (seconds > 0) {
                sb.append(seconds).append('s');
            }
        } else if (nanos % 1_000_000 == 0) {
            if (seconds > 0) {
                sb.append(seconds).append('s');
            }
            sb.append(nanos / 1_000_000).append("ms");
        } else {
            sb.append(seconds * 1_000_000_000L + nanos).append("ns");
        }
        return sb.toString();
    }
}
