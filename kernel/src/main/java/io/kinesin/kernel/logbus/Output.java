package io.kinesin.kernel.logbus;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where one stream of a service goes ({@code stdout: { sinks: [...], buffer: {...}, overflow: block }}).
 *
 * @param sinks    the sinks that receive every line, in order
 * @param buffer   when a batch of lines goes to the sinks
 * @param overflow what happens when a sink's queue is full
 */
public record Output(List<String> sinks, Buffer buffer, Overflow overflow) {

    public Output {
        sinks = List.copyOf(sinks);
        Objects.requireNonNull(buffer, "buffer");
        Objects.requireNonNull(overflow, "overflow");
    }

    /** The default for a stream that names its sinks and nothing else. */
    public static Output to(List<String> sinks) {
        return new Output(sinks, Buffer.DEFAULT, Overflow.BLOCK);
    }

    /**
     * A batch goes to the stream's sinks as soon as it holds {@code lines} lines or {@code bytes}
     * bytes, or {@code flush} after its first line. With {@code flush} zero (the default) it goes
     * at the end of the read that brought its lines: a line typed at a prompt shows at once,
     * and a fast writer still fills batches, because each read takes what the pipe holds.
     */
    public record Buffer(int lines, int bytes, Duration flush) {

        public static final int DEFAULT_LINES = 512;
        public static final int DEFAULT_BYTES = 256 * 1024;
        public static final Buffer DEFAULT = new Buffer(DEFAULT_LINES, DEFAULT_BYTES, Duration.ZERO);

        public Buffer {
            if (lines < 1) {
                throw new IllegalArgumentException("buffer.lines must be 1 or more, not " + lines);
            }
            if (bytes < 1) {
                throw new IllegalArgumentException("buffer.bytes must be 1 or more, not " + bytes);
            }
            Objects.requireNonNull(flush, "flush");
            if (flush.isNegative()) {
                throw new IllegalArgumentException("buffer.flush must not be negative");
            }
        }
    }

    /** What a stream does when one of its sinks' queues is full. */
    public enum Overflow {
        /** Stop reading that child's pipe until the queue has room: the child waits in write(2); nothing is lost. */
        BLOCK,
        /** Drop the lines for that sink only, counted and reported. */
        DROP;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
