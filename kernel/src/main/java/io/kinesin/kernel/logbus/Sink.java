package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.JsonText;
import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.NativeException;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * A sink writing formatted lines to an fd (kinesin's stdout/stderr, or a file). Lines of one
 * pump round are collected and written with one write(2), so a line is never split. Used by
 * the pump thread only.
 */
final class Sink {

    private static final byte[][] COLOURS = {
        "\033[36m".getBytes(StandardCharsets.US_ASCII), "\033[33m".getBytes(StandardCharsets.US_ASCII),
        "\033[32m".getBytes(StandardCharsets.US_ASCII), "\033[35m".getBytes(StandardCharsets.US_ASCII),
        "\033[34m".getBytes(StandardCharsets.US_ASCII), "\033[91m".getBytes(StandardCharsets.US_ASCII)};
    private static final byte[] RESET = "\033[0m".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SEPARATOR = " | ".getBytes(StandardCharsets.US_ASCII);

    final SinkSpec spec;
    private final int fd;
    private final boolean ownsFd;
    private final boolean colour;
    private final Log log;
    private byte[] out = new byte[8192];
    private int length;
    private boolean failed;
    private long dropped;

    Sink(SinkSpec spec, Log log) {
        this.spec = spec;
        this.log = log;
        if (spec.kind() == SinkSpec.Kind.FILE) {
            this.fd = Fds.openAppend(spec.path().getBytes(StandardCharsets.UTF_8));
            this.ownsFd = true;
        } else {
            this.fd = spec.fd();
            this.ownsFd = false;
        }
        this.colour = spec.kind() == SinkSpec.Kind.CONSOLE && spec.format() == SinkSpec.Format.PREFIXED && Fds.isTerminal(fd);
    }

    void append(Source from, byte[] line, int offset, int length) {
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
        put((byte) '\n');
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
        put(b, 0, b.length);
    }

    private void put(byte[] b, int offset, int n) {
        if (length + n > out.length) {
            out = Arrays.copyOf(out, Math.max(length + n, out.length * 2));
        }
        System.arraycopy(b, offset, out, length, n);
        length += n;
    }

    private void put(byte b) {
        if (length == out.length) {
            out = Arrays.copyOf(out, out.length * 2);
        }
        out[length++] = b;
    }

    /** Writes what this round collected. A sink that cannot be written any more counts what it drops. */
    void flush(MemorySegment scratch) {
        if (length == 0) {
            return;
        }
        if (!failed) {
            try {
                Fds.writeFully(fd, out, length, scratch);
            } catch (NativeException e) {
                failed = true;
                log.error("log sink failed; its lines are dropped from now on", "sink", spec.name(), "error", e.getMessage());
            }
        }
        if (failed) {
            dropped += countLines();
        }
        length = 0;
        if (out.length > 1 << 20) {
            out = new byte[8192]; // a burst does not keep a big buffer forever
        }
    }

    private long countLines() {
        long n = 0;
        for (int i = 0; i < length; i++) {
            if (out[i] == '\n') {
                n++;
            }
        }
        return n;
    }

    long dropped() {
        return dropped;
    }

    void close() {
        if (ownsFd) {
            Fds.close(fd);
        }
        if (dropped > 0) {
            log.warn("log lines dropped by a failed sink", "sink", spec.name(), "lines", dropped);
        }
    }
}
