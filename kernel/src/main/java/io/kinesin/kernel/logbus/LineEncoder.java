package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.JsonText;
import io.kinesin.spi.LogLine;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes lines in a console format, one output line each, into a reusable byte array:
 * <ul>
 * <li>{@code prefixed}: {@code web | text}; a piece cut at the maximum line length (one that the
 *     next line continues) has {@code web + text}. The name is coloured when {@code colour}.
 * <li>{@code json}: {@code {"ts":"2026-11-28T10:00:00.123456789Z","service":"web","instance":0,"stream":"stdout","line":"text"}},
 *     plus {@code "cut":true} on a cut piece. {@code ts} is when kinesin read the line. The text
 *     is decoded as UTF-8; bytes that are not UTF-8 become U+FFFD, so the output is always valid.
 * <li>{@code raw}: the text as the child wrote it; the pieces of a cut line are separate lines.
 * </ul>
 * Not thread-safe: one per sink.
 */
final class LineEncoder {

    private static final byte[][] COLOURS = {
        ascii("\033[36m"), ascii("\033[33m"), ascii("\033[32m"), ascii("\033[35m"), ascii("\033[34m"), ascii("\033[91m")};
    private static final byte[] RESET = ascii("\033[0m");
    private static final byte[] WHOLE = ascii(" | ");
    private static final byte[] CONTINUED = ascii(" + ");
    private static final byte[] TS = ascii("{\"ts\":\"");
    private static final byte[] SERVICE = ascii("Z\",\"service\":");
    private static final byte[] INSTANCE = ascii(",\"instance\":");
    private static final byte[] STDOUT = ascii(",\"stream\":\"stdout\",\"line\":\"");
    private static final byte[] STDERR = ascii(",\"stream\":\"stderr\",\"line\":\"");
    private static final byte[] CUT_END = ascii("\",\"cut\":true}\n");
    private static final byte[] END = ascii("\"}\n");
    private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};
    private static final byte[] HEX = ascii("0123456789abcdef");

    private final SinkSpec.Format format;
    private final boolean colour;
    private final Map<String, Batch.Origin> origins = new HashMap<>();
    byte[] out = new byte[8192];
    int length;
    /** lineEnds[i]: where output line i ends (after its newline). */
    int[] lineEnds = new int[64];
    int lines;
    private long second = Long.MIN_VALUE;
    private final byte[] secondText = new byte[19];

    LineEncoder(SinkSpec.Format format, boolean colour) {
        this.format = format;
        this.colour = colour && format == SinkSpec.Format.PREFIXED;
    }

    /** Encodes the whole batch into {@link #out}{@code [0, length)}. */
    void encode(List<LogLine> batch) {
        length = 0;
        lines = 0;
        if (batch instanceof Batch b) {
            Batch.Origin o = b.origin();
            byte[] data = b.data();
            for (int i = 0; i < b.size(); i++) {
                line(o, data, b.start(i), b.end(i), b.at(i), b.cut(i));
            }
        } else {
            for (LogLine l : batch) {
                Batch.Origin o = origins.computeIfAbsent(l.service() + "\0" + l.instance() + "\0" + l.stream(),
                        k -> new Batch.Origin(l.service(), l.instance(), l.source(l.instance() != 0), l.stream()));
                line(o, l.text(), 0, l.text().length, l.at().getEpochSecond() * 1_000_000_000L + l.at().getNano(), l.cut());
            }
        }
    }

    private void line(Batch.Origin o, byte[] text, int from, int to, long at, boolean cut) {
        switch (format) {
            case RAW -> {
                room(to - from + 1);
                put(text, from, to - from);
                out[length++] = '\n';
            }
            case PREFIXED -> {
                room(o.display().length + to - from + 16);
                if (colour) {
                    put(COLOURS[Math.floorMod(o.service().hashCode(), COLOURS.length)]);
                    put(o.display());
                    put(RESET);
                } else {
                    put(o.display());
                }
                put(cut ? CONTINUED : WHOLE);
                put(text, from, to - from);
                out[length++] = '\n';
            }
            case JSON -> json(o, text, from, to, at, cut);
        }
        if (lines == lineEnds.length) {
            lineEnds = Arrays.copyOf(lineEnds, lines * 2);
        }
        lineEnds[lines++] = length;
    }

    private void json(Batch.Origin o, byte[] text, int from, int to, long at, boolean cut) {
        room(96 + o.serviceJson().length + 6 * (to - from)); // an escape takes at most six bytes per byte
        put(TS);
        timestamp(at);
        put(SERVICE);
        put(o.serviceJson());
        put(INSTANCE);
        digits(o.instance());
        put(o.stream() == io.kinesin.spi.Stream.STDERR ? STDERR : STDOUT);
        escape(text, from, to);
        put(cut ? CUT_END : END);
    }

    /** {@code 2026-11-28T10:00:00.123456789} (the caller adds the Z). */
    private void timestamp(long epochNanos) {
        long s = Math.floorDiv(epochNanos, 1_000_000_000L);
        int nanos = (int) Math.floorMod(epochNanos, 1_000_000_000L);
        if (s != second) {
            String t = LocalDateTime.ofEpochSecond(s, 0, ZoneOffset.UTC).toString(); // 2026-11-28T10:00 or 2026-11-28T10:00:01
            if (t.length() == 16) {
                t += ":00";
            }
            byte[] b = t.getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(b, 0, secondText, 0, Math.min(19, b.length));
            second = s;
        }
        put(secondText);
        out[length++] = '.';
        for (int div = 100_000_000; div > 0; div /= 10) {
            out[length++] = (byte) ('0' + nanos / div % 10);
        }
    }

    private void digits(int v) {
        if (v < 10) {
            out[length++] = (byte) ('0' + v);
            return;
        }
        put(Integer.toString(v).getBytes(StandardCharsets.US_ASCII));
    }

    /** The bytes as the inside of a JSON string: escapes, and U+FFFD for what is not UTF-8. */
    private void escape(byte[] t, int i, int to) {
        byte[] o = out;
        int n = length;
        while (i < to) {
            int b = t[i];
            if (b >= 0x20 && b != '"' && b != '\\' && b != 0x7f) { // ASCII, printable (b is signed: non-ASCII is < 0)
                o[n++] = (byte) b;
                i++;
                continue;
            }
            if (b >= 0) {
                o[n++] = '\\';
                switch (b) {
                    case '"' -> o[n++] = '"';
                    case '\\' -> o[n++] = '\\';
                    case '\n' -> o[n++] = 'n';
                    case '\r' -> o[n++] = 'r';
                    case '\t' -> o[n++] = 't';
                    default -> {
                        o[n++] = 'u';
                        o[n++] = '0';
                        o[n++] = '0';
                        o[n++] = HEX[b >> 4];
                        o[n++] = HEX[b & 0xf];
                    }
                }
                i++;
                continue;
            }
            int k = utf8Length(t, i, to);
            if (k == 0) {
                o[n++] = REPLACEMENT[0];
                o[n++] = REPLACEMENT[1];
                o[n++] = REPLACEMENT[2];
                i++;
            } else {
                System.arraycopy(t, i, o, n, k);
                n += k;
                i += k;
            }
        }
        length = n;
    }

    /** The length of the well-formed UTF-8 character at {@code t[i]} (not ASCII), or 0 if it is not one. */
    static int utf8Length(byte[] t, int i, int to) {
        int b = t[i] & 0xFF;
        int need;
        int lo = 0x80;
        int hi = 0xBF;
        if (b >= 0xC2 && b <= 0xDF) {
            need = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            need = 3;
            if (b == 0xE0) {
                lo = 0xA0;
            } else if (b == 0xED) {
                hi = 0x9F; // no surrogates
            }
        } else if (b >= 0xF0 && b <= 0xF4) {
            need = 4;
            if (b == 0xF0) {
                lo = 0x90;
            } else if (b == 0xF4) {
                hi = 0x8F;
            }
        } else {
            return 0;
        }
        if (i + need > to) {
            return 0;
        }
        int c = t[i + 1] & 0xFF;
        if (c < lo || c > hi) {
            return 0;
        }
        for (int j = 2; j < need; j++) {
            if ((t[i + j] & 0xC0) != 0x80) {
                return 0;
            }
        }
        return need;
    }

    private void room(int n) {
        if (length + n > out.length) {
            out = Arrays.copyOf(out, Math.max(length + n, out.length * 2));
        }
    }

    private void put(byte[] b) {
        System.arraycopy(b, 0, out, length, b.length);
        length += b.length;
    }

    private void put(byte[] b, int from, int n) {
        System.arraycopy(b, from, out, length, n);
        length += n;
    }

    /** Shrinks the buffer after a burst, so that a big batch does not keep a big array for good. */
    void trim() {
        if (out.length > 1 << 20) {
            out = new byte[8192];
        }
        if (lineEnds.length > 4096) {
            lineEnds = new int[64];
        }
    }

    static byte[] quoted(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        JsonText.quote(sb, s);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
