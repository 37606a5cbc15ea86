package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.JsonText;
import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A sink writing formatted lines to an fd (kinesin's stdout/stderr, or a file). Lines are
 * formatted whole into the sink's {@link Backlog}, which writes them without ever blocking the
 * pump. Used by the pump thread only.
 */
final class Sink {

    private static final byte[][] COLOURS = {
        "\033[36m".getBytes(StandardCharsets.US_ASCII), "\033[33m".getBytes(StandardCharsets.US_ASCII),
        "\033[32m".getBytes(StandardCharsets.US_ASCII), "\033[35m".getBytes(StandardCharsets.US_ASCII),
        "\033[34m".getBytes(StandardCharsets.US_ASCII), "\033[91m".getBytes(StandardCharsets.US_ASCII)};
    private static final byte[] RESET = "\033[0m".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEPARATOR = " | ".getBytes(StandardCharsets.US_ASCII);

    final SinkSpec spec;
    final Backlog backlog;
    private final boolean ownsFd;
    private final boolean colour;

    Sink(SinkSpec spec, int hold, Log log) {
        this.spec = spec;
        int fd;
        if (spec.kind() == SinkSpec.Kind.FILE) {
            fd = Fds.openAppend(spec.path().getBytes(StandardCharsets.UTF_8));
            this.ownsFd = true;
        } else {
            fd = spec.fd();
            this.ownsFd = false;
        }
        this.backlog = new Backlog(spec.name(), fd, spec.kind() == SinkSpec.Kind.CONSOLE, hold, log);
        this.colour = spec.kind() == SinkSpec.Kind.CONSOLE && spec.format() == SinkSpec.Format.PREFIXED && Fds.isTerminal(fd);
    }

    /** Formats one line into the backlog, or counts it as dropped when the backlog is full. */
    void append(Source from, byte[] line, int offset, int length) {
        if (backlog.full()) {
            backlog.drop();
            return;
        }
        int mark = backlog.mark();
        try {
            format(from, line, offset, length);
        } catch (Throwable t) {
            backlog.truncate(mark); // never half a line, even if the pump fails here and restarts
            throw t;
        }
    }

    private void format(Source from, byte[] line, int offset, int length) {
        switch (spec.format()) {
            case RAW -> put(line, offset, length);
            case PREFIXED -> {
                if (colour) {
                    put(COLOURS[Math.floorMod(from.service.hashCode(), COLOURS.length)]);
                }
                put(from.displayBytes);
                if (colour) {
                    put(RESET);
                }
                put(SEPARATOR);
                put(line, offset, length);
            }
            case JSON -> put(json(from, new String(line, offset, length, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8));
        }
        backlog.put((byte) '\n');
    }

    private static String json(Source from, String text) {
        StringBuilder sb = new StringBuilder(text.length() + 96);
        sb.append("{\"ts\":\"").append(Log.timestamp(Instant.now()))
                .append("\",\"service\":");
        JsonText.quote(sb, from.service);
        sb.append(",\"instance\":").append(from.instance).append(",\"stream\":\"").append(from.stream.label())
                .append("\",\"line\":");
        JsonText.quote(sb, text);
        return sb.append('}').toString();
    }

    private void put(byte[] b) {
        backlog.put(b, 0, b.length);
    }

    private void put(byte[] b, int offset, int n) {
        backlog.put(b, offset, n);
    }

    /** Writes what the fd takes now; see {@link Backlog#deliver}. */
    void deliver(long now, MemorySegment scratch, boolean lastChance) {
        backlog.deliver(now, scratch, lastChance);
    }

    /** Reports what was never delivered and closes a file sink's fd. */
    void close() {
        backlog.close();
        if (ownsFd) {
            Fds.close(backlog.fd());
        }
    }
}
