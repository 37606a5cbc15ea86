package io.kinesin.spi;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * How a sink writes a {@link LogLine} as bytes: the {@code format:} of the console and of the
 * {@code file} sink, shared so that both write exactly the same bytes. Every format writes one
 * line of output per {@code LogLine}, ending in {@code \n}; a cut piece of an over-long line is
 * written as a line of its own.
 * <ul>
 * <li>{@link #RAW}: the bytes as the child wrote them.</li>
 * <li>{@link #PREFIXED}: {@code web | text}, or {@code web.2 | text} for instance 2 of a
 *     service with several; a cut piece (one the next line continues) shows as
 *     {@code web + text}; optionally the name in an ANSI colour per service (terminals).</li>
 * <li>{@link #JSON}: one object per line,
 *     {@code {"ts":"2026-11-28T10:00:00.123456789Z","service":"web","instance":0,"stream":"stdout","line":"text"}},
 *     plus {@code "cut":true} on a cut piece. {@code ts} is {@link LogLine#at} in UTC, to the
 *     nanosecond. The text is UTF-8: well-formed characters are copied whole, and each
 *     ill-formed byte sequence becomes one U+FFFD, as {@code new String(bytes, UTF_8)} decodes it.</li>
 * </ul>
 * Encoding goes through an {@link Encoder}, one per sink, into a caller-owned
 * {@link LineBuffer}; RAW and PREFIXED copy bytes only, JSON makes no String per line either.
 */
public enum LineFormat {
    RAW, PREFIXED, JSON;

    /** {@code raw}, {@code prefixed}, {@code json}: as the config file writes it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The format named {@code label} ({@code raw}, {@code prefixed}, {@code json}; any case).
     *
     * @throws IllegalArgumentException naming the label and the formats there are
     */
    public static LineFormat of(String label) {
        for (LineFormat f : values()) {
            if (f.label().equalsIgnoreCase(label.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException("\"" + label + "\" is no line format; use raw, prefixed or json");
    }

    /**
     * An encoder of this format for one sink.
     *
     * @param replicated whether a service runs several instances (its lines are then prefixed
     *                   {@code web.2}); asked once per service, see {@link PluginContext#replicas}
     * @param colour     colour the prefix with ANSI escapes ({@link #PREFIXED} only: for a terminal)
     */
    public Encoder encoder(Predicate<String> replicated, boolean colour) {
        return new Encoder(this, replicated, colour && this == PREFIXED);
    }

    /**
     * Where in a line of {@code length} bytes at {@code text[offset]} to cut a piece of at most
     * {@code max} bytes so that no UTF-8 character is split between two pieces: {@code length}
     * if it fits, else {@code max} backed off by up to three bytes. For the log bus, which cuts
     * over-long lines ({@code kinesin.log.max-line}) into pieces each sink writes on its own.
     */
    public static int cut(byte[] text, int offset, int length, int max) {
        if (max <= 0) {
            throw new IllegalArgumentException("a piece of " + max + " bytes");
        }
        return Utf8.cut(text, offset, length, max);
    }

    /**
     * Appends encoded lines of one format to a {@link LineBuffer}. Keeps what it computed for
     * each service (its prefix bytes, quoted name, colour), so one encoder belongs to one sink
     * and one thread; not thread-safe.
     */
    public static final class Encoder {

        private static final byte[][] COLOURS = {
            ascii("\033[36m"), ascii("\033[33m"), ascii("\033[32m"), ascii("\033[35m"), ascii("\033[34m"), ascii("\033[91m")};
        private static final byte[] RESET = ascii("\033[0m");
        private static final byte[] WHOLE = ascii(" | ");
        private static final byte[] CONTINUED = ascii(" + ");
        private static final byte[] TS = ascii("{\"ts\":\"");
        private static final byte[] SERVICE = ascii("Z\",\"service\":");
        private static final byte[] INSTANCE = ascii(",\"instance\":");
        private static final byte[] STDOUT = ascii(",\"stream\":\"stdout\",\"line\":");
        private static final byte[] STDERR = ascii(",\"stream\":\"stderr\",\"line\":");
        private static final byte[] CUT = ascii(",\"cut\":true");

        private final LineFormat format;
        private final Predicate<String> replicated;
        private final boolean colour;
        private final Map<String, Source> sources = new HashMap<>();
        /** The second {@link #secondText} was made for: one date per second, not per line. */
        private long second = Long.MIN_VALUE;
        private byte[] secondText;

        private Encoder(LineFormat format, Predicate<String> replicated, boolean colour) {
            this.format = format;
            this.replicated = replicated;
            this.colour = colour;
        }

        public LineFormat format() {
            return format;
        }

        /** Appends {@code line} and its {@code \n} to {@code out}: all of it, or on an exception nothing. */
        public void append(LogLine line, LineBuffer out) {
            int mark = out.size();
            try {
                Instant at = line.at();
                byte[] text = line.text();
                line(source(line.service()), line.instance(), line.stream(), text, 0, text.length,
                        at.getEpochSecond(), at.getNano(), line.cut(), out);
            } catch (RuntimeException | Error e) {
                out.truncate(mark); // never half a line in the caller's buffer
                throw e;
            }
        }

        /**
         * Appends {@code lines} from index {@code from} on, each with its {@code \n}: the same
         * bytes as {@link #append} of each, but without a {@link LogLine} per line when the list
         * is the kernel's ({@link FramedLines}). On an exception, the lines before the one that
         * failed stay in {@code out}, whole.
         */
        public void appendAll(List<LogLine> lines, int from, LineBuffer out) {
            if (!(lines instanceof FramedLines f)) {
                for (int i = from; i < lines.size(); i++) {
                    append(lines.get(i), out);
                }
                return;
            }
            int count = f.size();
            if (from >= count) {
                return;
            }
            byte[] data = f.data();
            if (format == RAW) {
                int base = f.start(from);
                int shift = out.size() - base;
                out.put(data, base, f.end(count - 1) + 1 - base);
                for (int i = from; i < count; i++) {
                    out.endLineAt(f.end(i) + 1 + shift);
                }
                return;
            }
            Source source = source(f.service());
            int instance = f.instance();
            Stream stream = f.output();
            for (int i = from; i < count; i++) {
                int mark = out.size();
                try {
                    long at = f.at(i);
                    line(source, instance, stream, data, f.start(i), f.end(i),
                            Math.floorDiv(at, NANOS), (int) Math.floorMod(at, NANOS), f.cut(i), out);
                } catch (RuntimeException | Error e) {
                    out.truncate(mark);
                    throw e;
                }
            }
        }

        private static final long NANOS = 1_000_000_000L;

        private void line(Source source, int instance, Stream stream, byte[] text, int from, int to,
                          long epochSecond, int nano, boolean cut, LineBuffer out) {
            switch (format) {
                case RAW -> out.put(text, from, to - from);
                case PREFIXED -> {
                    if (colour) {
                        out.put(source.colour);
                    }
                    out.put(source.prefix(instance));
                    if (colour) {
                        out.put(RESET);
                    }
                    out.put(cut ? CONTINUED : WHOLE);
                    out.put(text, from, to - from);
                }
                case JSON -> {
                    out.put(TS);
                    if (epochSecond != second) {
                        secondText = JsonLine.dateTime(epochSecond);
                        second = epochSecond;
                    }
                    out.put(secondText);
                    JsonLine.nanos(nano, out);
                    out.put(SERVICE);
                    out.put(source.quoted);
                    out.put(INSTANCE);
                    JsonLine.number(instance, out);
                    out.put(stream == Stream.STDOUT ? STDOUT : STDERR);
                    JsonLine.quote(text, from, to - from, out);
                    if (cut) {
                        out.put(CUT);
                    }
                    out.put((byte) '}');
                }
            }
            out.put((byte) '\n');
            out.endLine();
        }

        private Source source(String service) {
            Source s = sources.get(service);
            if (s == null) {
                s = new Source(service, replicated.test(service));
                sources.put(service, s);
            }
            return s;
        }

        private static byte[] ascii(String s) {
            return s.getBytes(StandardCharsets.US_ASCII);
        }

        /** What an encoder keeps per service so that a line costs byte copies only. */
        private static final class Source {
            final byte[] name;
            final byte[] quoted;
            final byte[] colour;
            final boolean replicated;
            private byte[][] numbered = new byte[0][];

            Source(String service, boolean replicated) {
                this.name = service.getBytes(StandardCharsets.UTF_8);
                this.quoted = JsonLine.quote(service);
                this.colour = COLOURS[Math.floorMod(service.hashCode(), COLOURS.length)];
                this.replicated = replicated;
            }

            /** {@code web}, or {@code web.2} when the service is replicated. */
            byte[] prefix(int instance) {
                if (!replicated) {
                    return name;
                }
                if (instance < 0 || instance > 4096) {
                    return prefixOf(instance); // not worth a cache slot
                }
                if (instance >= numbered.length) {
                    numbered = Arrays.copyOf(numbered, Math.max(instance + 1, numbered.length * 2));
                }
                byte[] p = numbered[instance];
                if (p == null) {
                    p = prefixOf(instance);
                    numbered[instance] = p;
                }
                return p;
            }

            private byte[] prefixOf(int instance) {
                byte[] digits = Integer.toString(instance).getBytes(StandardCharsets.US_ASCII);
                byte[] p = Arrays.copyOf(name, name.length + 1 + digits.length);
                p[name.length] = '.';
                System.arraycopy(digits, 0, p, name.length + 1, digits.length);
                return p;
            }
        }
    }
}
