package io.kinesin.spi;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The pieces of {@link LineFormat#JSON}: JSON string escaping straight from a child's bytes, and
 * the {@code ts} timestamp, both appended to a {@link LineBuffer} without a String per line.
 * Escapes exactly as the kernel's console did: {@code \" \\ \n \r \t}, other control
 * characters and DEL as <code>&#92;u00xx</code>, everything else (non-ASCII included) as UTF-8;
 * ill-formed UTF-8 becomes U+FFFD as {@link Utf8} splits it.
 */
final class JsonLine {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] REPLACEMENT = {(byte) 0xef, (byte) 0xbf, (byte) 0xbd};
    /** The reference format; used as is only for years the fast path does not write (before 1, after 9999). */
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.")
            .withZone(ZoneOffset.UTC);
    private static final long MIN_FAST = -62135596800L; // 0001-01-01T00:00:00Z
    private static final long MAX_FAST = 253402300799L; // 9999-12-31T23:59:59Z

    private JsonLine() {
    }

    /** {@code "text"}, escaped. */
    static void quote(byte[] text, int offset, int length, LineBuffer out) {
        out.put((byte) '"');
        int end = offset + length;
        int i = offset;
        while (i < end) {
            int b = text[i];
            if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
                // a run of plain ASCII: copied in one go, the common case for log lines
                int run = i + 1;
                while (run < end && text[run] >= 0x20 && text[run] < 0x7f && text[run] != '"' && text[run] != '\\') {
                    run++;
                }
                out.put(text, i, run - i);
                i = run;
            } else if (b >= 0) {
                escape(b, out);
                i++;
            } else {
                int n = Utf8.sequence(text, i, end);
                if (n > 0) {
                    out.put(text, i, n);
                    i += n;
                } else {
                    out.put(REPLACEMENT);
                    i -= n;
                }
            }
        }
        out.put((byte) '"');
    }

    /** {@code "text"}, escaped, for names kinesin knows (services); encoded once per encoder, not per line. */
    static byte[] quote(String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        LineBuffer out = new LineBuffer(utf8.length + 8);
        quote(utf8, 0, utf8.length, out);
        return java.util.Arrays.copyOf(out.array(), out.size());
    }

    private static void escape(int c, LineBuffer out) {
        out.put((byte) '\\');
        switch (c) {
            case '"' -> out.put((byte) '"');
            case '\\' -> out.put((byte) '\\');
            case '\n' -> out.put((byte) 'n');
            case '\r' -> out.put((byte) 'r');
            case '\t' -> out.put((byte) 't');
            default -> {
                out.put((byte) 'u');
                out.put((byte) '0');
                out.put((byte) '0');
                out.put(HEX[c >> 4]);
                out.put(HEX[c & 0xf]);
            }
        }
    }

    /**
     * {@code 2026-11-28T10:00:00.}: the UTC date and time of a second, up to the fraction, which
     * {@link #nanos} writes. An encoder makes it once per second, not per line.
     */
    static byte[] dateTime(long seconds) {
        if (seconds < MIN_FAST || seconds > MAX_FAST) {
            return TIMESTAMP.format(Instant.ofEpochSecond(seconds)).getBytes(StandardCharsets.US_ASCII);
        }
        long days = Math.floorDiv(seconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        // civil_from_days (H. Hinnant): proleptic Gregorian date of a day count from 1970-01-01
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
        LineBuffer out = new LineBuffer(20);
        digits(year, 4, out);
        out.put((byte) '-');
        digits(month, 2, out);
        out.put((byte) '-');
        digits(day, 2, out);
        out.put((byte) 'T');
        digits(secondOfDay / 3600, 2, out);
        out.put((byte) ':');
        digits(secondOfDay / 60 % 60, 2, out);
        out.put((byte) ':');
        digits(secondOfDay % 60, 2, out);
        out.put((byte) '.');
        return java.util.Arrays.copyOf(out.array(), out.size());
    }

    /** The fraction of a second after {@link #dateTime}: always nine digits. */
    static void nanos(int nano, LineBuffer out) {
        digits(nano, 9, out);
    }

    /** A non-negative int in decimal, without leading zeros. */
    static void number(int value, LineBuffer out) {
        if (value < 0) {
            out.put((byte) '-');
            if (value == Integer.MIN_VALUE) {
                out.put("2147483648".getBytes(StandardCharsets.US_ASCII));
                return;
            }
            value = -value;
        }
        int width = 1;
        for (int v = value; v >= 10; v /= 10) {
            width++;
        }
        digits(value, width, out);
    }

    private static void digits(int value, int width, LineBuffer out) {
        int divisor = 1;
        for (int i = 1; i < width; i++) {
            divisor *= 10;
        }
        for (; divisor > 0; divisor /= 10) {
            out.put((byte) ('0' + value / divisor % 10));
        }
    }
}
