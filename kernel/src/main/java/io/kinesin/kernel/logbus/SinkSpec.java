package io.kinesin.kernel.logbus;

import java.util.Locale;
import java.util.Objects;

/**
 * A named place children's lines go.
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

    /** How a line is written. */
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
}
