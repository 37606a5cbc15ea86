package io.kinesin.spi;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Objects;

/**
 * One line of a child's output, as the log bus framed it: without its newline, never split
 * or merged with another line, except that a line longer than {@code kinesin.log.max-line} is
 * cut into pieces, each flagged {@link #cut} but the last.
 *
 * <p>{@code text} is the kernel's: a sink must not change it, and must copy what it keeps
 * beyond the {@link LogSink#write} call that handed it over.
 *
 * @param instance 0, 1, ... for replicas; 0 when there is one
 * @param at       when kinesin read it: nanosecond precision, strictly increasing per stream
 * @param text     the raw bytes the child wrote (not necessarily UTF-8)
 * @param cut      this piece was cut at the maximum line length; the next line continues it
 */
public record LogLine(String service, int instance, Stream stream, Instant at, byte[] text, boolean cut) {

    public LogLine {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(text, "text");
    }

    /** The text decoded as UTF-8 (bytes that are not become U+FFFD). */
    public String string() {
        return new String(text, StandardCharsets.UTF_8);
    }

    /** {@code web} for a single instance, {@code web.2} for instance 2 of several, as the console prefixes it. */
    public String source(boolean replicated) {
        return replicated ? service + "." + instance : service;
    }
}
