package io.kinesin.kernel.logbus;

import io.kinesin.spi.LogSink;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A built-in sink, as the config describes it: {@code console} or {@code file}. {@link #open}
 * makes the {@link LogSink} the bus drives; plugin kinds are made by their own factories, and the
 * bus does not tell them apart.
 *
 * @param fd   for {@link Kind#CONSOLE}: kinesin's fd 1 or 2
 * @param path for {@link Kind#FILE}: the file lines are appended to
 */
public record SinkSpec(String name, Kind kind, int fd, String path, Format format) {

    /** The built-in sink: kinesin's stdout, prefixed lines. */
    public static final SinkSpec CONSOLE = new SinkSpec("console", Kind.CONSOLE, 1, null, Format.PREFIXED);

    /** Where lines go. */
    public enum Kind {
        CONSOLE, FILE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How a line is written; see {@link LineEncoder} for each format, and how a cut line shows. */
    public enum Format {
        /** {@code web | text}, {@code web.2 | text} for instance 2 of several; coloured on a terminal. */
        PREFIXED,
        /** One JSON object per line: ts, service, instance, stream, line. */
        JSON,
        /** The line as the child wrote it. */
        RAW;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public SinkSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(format);
        if (kind == Kind.FILE && path == null) {
            throw new IllegalArgumentException("a file sink needs a path");
        }
    }

    /**
     * The sink itself (a file sink opens its file, creating it if missing).
     *
     * @throws io.kinesin.kernel.process.NativeException naming a file that cannot be opened
     */
    public LogSink open() {
        return kind == Kind.CONSOLE ? new ConsoleSink(fd, format) : new FileSink(path, format);
    }

    /**
     * Opens every sink, by name, in order; if one cannot be opened, those already open are
     * closed again.
     *
     * @throws io.kinesin.kernel.process.NativeException naming a file that cannot be opened
     */
    public static Map<String, LogSink> openAll(List<SinkSpec> specs) {
        Map<String, LogSink> open = new LinkedHashMap<>();
        try {
            for (SinkSpec spec : specs) {
                open.put(spec.name(), spec.open());
            }
        } catch (RuntimeException e) {
            for (LogSink sink : open.values()) {
                try {
                    sink.close();
                } catch (Exception ignored) {
                    // the open failure is what the user needs to hear about
                }
            }
            throw e;
        }
        return open;
    }
}
