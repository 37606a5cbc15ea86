package io.kinesin.spi;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * The oracle for {@link LineFormatTest}: the kernel console's formatting as it was before
 * {@link LineFormat} (kernel/.../logbus/Sink.java, log/JsonText.java and Log.timestamp at commit
 * 2203665), copied statement for statement except that {@code ts} is the line's {@code at}
 * instead of {@code Instant.now()}, to the nanosecond, and that a cut piece is prefixed
 * {@code web + } (both as the log bus's console wrote them since). String-based and slow on
 * purpose: it is what the byte-level encoder must equal.
 */
final class KernelConsoleFormat {

    private static final byte[][] COLOURS = {
        "\033[36m".getBytes(StandardCharsets.US_ASCII), "\033[33m".getBytes(StandardCharsets.US_ASCII),
        "\033[32m".getBytes(StandardCharsets.US_ASCII), "\033[35m".getBytes(StandardCharsets.US_ASCII),
        "\033[34m".getBytes(StandardCharsets.US_ASCII), "\033[91m".getBytes(StandardCharsets.US_ASCII)};
    private static final byte[] RESET = "\033[0m".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEPARATOR = " | ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTINUED = " + ".getBytes(StandardCharsets.US_ASCII);
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    private KernelConsoleFormat() {
    }

    static byte[] format(LineFormat format, boolean colour, String display, LogLine line) {
        LineBuffer backlog = new LineBuffer(16);
        byte[] displayBytes = display.getBytes(StandardCharsets.UTF_8);
        switch (format) {
            case RAW -> backlog.put(line.text());
            case PREFIXED -> {
                if (colour) {
                    backlog.put(COLOURS[Math.floorMod(line.service().hashCode(), COLOURS.length)]);
                }
                backlog.put(displayBytes);
                if (colour) {
                    backlog.put(RESET);
                }
                backlog.put(line.cut() ? CONTINUED : SEPARATOR);
                backlog.put(line.text());
            }
            case JSON -> backlog.put(json(line, new String(line.text(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        }
        backlog.put((byte) '\n');
        return java.util.Arrays.copyOf(backlog.array(), backlog.size());
    }

    private static String json(LogLine from, String text) {
        StringBuilder sb = new StringBuilder(text.length() + 96);
        sb.append("{\"ts\":\"").append(timestamp(from.at()))
                .append("\",\"service\":");
        quote(sb, from.service());
        sb.append(",\"instance\":").append(from.instance()).append(",\"stream\":\"").append(from.stream().label())
                .append("\",\"line\":");
        quote(sb, text);
        if (from.cut()) {
            sb.append(",\"cut\":true");
        }
        return sb.append('}').toString();
    }

    static String timestamp(Instant at) {
        return TIMESTAMP.format(at);
    }

    private static void quote(StringBuilder sb, String v) {
        sb.append('"');
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
        sb.append('"');
    }
}
