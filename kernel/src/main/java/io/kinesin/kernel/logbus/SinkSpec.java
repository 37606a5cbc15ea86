package io.kinesin.kernel.logbus;

import io.kinesin.spi.LineFormat;
import io.kinesin.spi.LogSink;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A {@code console} sink, as the config describes it: kinesin's stdout or stderr, and its
 * format. The one kind built in; plugin kinds ({@code file}, {@code loki}, ...) are made by
 * their own factories, and the bus does not tell them apart.
 *
 * @param fd kinesin's fd 1 or 2
 */
public record SinkSpec(String name, int fd, LineFormat format) {

    /** The built-in sink: kinesin's stdout, prefixed lines. */
    public static final SinkSpec CONSOLE = new SinkSpec("console", 1, LineFormat.PREFIXED);

    public SinkSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(format);
    }

    /**
     * The sink itself.
     *
     * @param replicated whether a service runs several instances (its lines are prefixed {@code web.2})
     */
    public LogSink open(Predicate<String> replicated) {
        return new FdSink(fd, format, replicated);
    }

    /** Every sink, by name, in order. */
    public static Map<String, LogSink> openAll(List<SinkSpec> specs, Predicate<String> replicated) {
        Map<String, LogSink> open = new LinkedHashMap<>();
        for (SinkSpec spec : specs) {
            open.put(spec.name(), spec.open(replicated));
        }
        return open;
    }
}
