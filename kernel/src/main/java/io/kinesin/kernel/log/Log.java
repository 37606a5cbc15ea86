package io.kinesin.kernel.log;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * kinesin's own log: one line per event, logfmt ({@code ts=… level=info msg=spawned service=web pid=42})
 * or JSON, on stderr. Each line is written with a single write, so lines from several threads never mix.
 * The log kinesin runs with is {@link #queued}: logging never waits for the output.
 */
public final class Log {

    /** Severity, most severe first. */
    public enum Level {
        ERROR, WARN, INFO, DEBUG;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Level parse(String text) {
            for (Level l : values()) {
                if (l.label().equals(text.strip().toLowerCase(Locale.ROOT))) {
                    return l;
                }
            }
            throw new IllegalArgumentException("unknown log level \"" + text + "\"; expected error, warn, info, debug");
        }
    }

    /** Line syntax. */
    public enum Format {
        LOGFMT, JSON;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Format parse(String text) {
            for (Format f : values()) {
                if (f.label().equals(text.strip().toLowerCase(Locale.ROOT))) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unknown log format \"" + text + "\"; expected logfmt, json");
        }
    }

    private final Format format;
    private final Level threshold;
    private final OutputStream out;
    /** null: lines are written by the caller, in the call (tests). */
    private final LogWriter writer;

    /** A log that writes each line to {@code out} in the logging call: for tests and tools. */
    public Log(Format format, Level threshold, OutputStream out) {
        this.format = format;
        this.threshold = threshold;
        this.out = out;
        this.writer = null;
    }

    private Log(Format format, Level threshold, OutputStream out, int queueBytes) {
        this.format = format;
        this.threshold = threshold;
        this.out = out;
        this.writer = new LogWriter(out, this::droppedLine, queueBytes);
    }

    /**
     * A log whose lines wait in a bounded queue for a writer thread of their own: a stderr that
     * blocks never stalls the caller. When the queue is full, lines are dropped and counted,
     * and one line reports the count once the output takes lines again.
     */
    public static Log queued(Format format, Level threshold, OutputStream out) {
        return new Log(format, threshold, out, LogWriter.MAX_BYTES);
    }

    static Log queued(Format format, Level threshold, OutputStream out, int queueBytes) {
        return new Log(format, threshold, out, queueBytes);
    }

    /**
     * Waits at most {@code bound} for queued lines to be written: kinesin's last lines before
     * it exits. A log that writes in the call has nothing to wait for.
     */
    public void drain(Duration bound) {
        if (writer != null) {
            writer.drain(bound);
        }
    }

    private byte[] droppedLine(long lines) {
        return line(Level.WARN, "kinesin log lines dropped: the log output was blocked", new Object[] {"lines", lines});
    }

    public Format format() {
        return format;
    }

    public Level threshold() {
        return threshold;
    }

    public boolean enabled(Level level) {
        return level.compareTo(threshold) <= 0;
    }

    public void error(String msg, Object... keyValues) {
        log(Level.ERROR, msg, keyValues);
    }

    public void warn(String msg, Object... keyValues) {
        log(Level.WARN, msg, keyValues);
    }

    public void info(String msg, Object... keyValues) {
        log(Level.INFO, msg, keyValues);
    }

    public void debug(String msg, Object... keyValues) {
        log(Level.DEBUG, msg, keyValues);
    }

    /**
     * Logs {@code msg} with pairs of key and value; a null value leaves its key out.
     * Durations print as {@code 1.5s}-style text.
     */
    public void log(Level level, String msg, Object... keyValues) {
        if (!enabled(level)) {
            return;
        }
        byte[] bytes = line(level, msg, keyValues);
        if (writer != null) {
            writer.offer(bytes);
        } else {
            write(bytes);
        }
    }

    private byte[] line(Level level, String msg, Object[] keyValues) {
        String ts = timestamp(Instant.now());
        StringBuilder line = new StringBuilder(128);
        if (format == Format.JSON) {
            line.append("{\"ts\":");
            json(line, ts);
            line.append(",\"level\":");
            json(line, level.label());
            line.append(",\"msg\":");
            json(line, msg);
            for (int i = 0; i + 1 < keyValues.length; i += 2) {
                if (keyValues[i + 1] != null) {
                    line.append(",");
                    json(line, String.valueOf(keyValues[i]));
                    line.append(':');
                    Object v = keyValues[i + 1];
                    if (v instanceof Number || v instanceof Boolean) {
                        line.append(v);
                    } else {
                        json(line, text(v));
                    }
                }
            }
            line.append("}\n");
        } else {
            line.append("ts=").append(ts).append(" level=").append(level.label()).append(" msg=");
            logfmt(line, msg);
            for (int i = 0; i + 1 < keyValues.length; i += 2) {
                if (keyValues[i + 1] != null) {
                    line.append(' ').append(keyValues[i]).append('=');
                    logfmt(line, text(keyValues[i + 1]));
                }
            }
            line.append('\n');
        }
        return line.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(java.time.ZoneOffset.UTC);

    /** {@code 2026-11-22T02:13:00.120Z}: UTC, always three digits of milliseconds. */
    public static String timestamp(Instant at) {
        return TIMESTAMP.format(at);
    }

    private synchronized void write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // stderr is gone: nowhere left to say so
        }
    }

    private static String text(Object v) {
        return v instanceof Duration d ? human(d) : String.valueOf(v);
    }

    /** For people: {@code 228ms}, {@code 1.5s}, {@code 2m3s}; rounded to milliseconds. */
    static String human(Duration d) {
        long ms = Math.round(d.toNanos() / 1e6);
        if (ms < 1000) {
            return ms + "ms";
        }
        if (ms < 60_000) {
            return (ms % 1000 == 0 ? Long.toString(ms / 1000) : String.format(Locale.ROOT, "%.3f", ms / 1000.0).replaceAll("0+$", "")) + "s";
        }
        long s = Math.round(ms / 1000.0);
        return (s >= 3600 ? s / 3600 + "h" : "") + (s % 3600 >= 60 ? s % 3600 / 60 + "m" : "") + (s % 60 > 0 ? s % 60 + "s" : "");
    }

    static void logfmt(StringBuilder sb, String v) {
        boolean quote = v.isEmpty();
        for (int i = 0; i < v.length() && !quote; i++) {
            char c = v.charAt(i);
            quote = c <= ' ' || c == '=' || c == '"' || c == '\\' || c == 0x7f;
        }
        if (quote) {
            JsonText.quote(sb, v);
        } else {
            sb.append(v);
        }
    }

    static void json(StringBuilder sb, String v) {
        JsonText.quote(sb, v);
    }
}
