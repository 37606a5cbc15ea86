package io.kinesin.kernel.logbus;

import java.util.Arrays;
import java.util.List;

/** One pipe a child writes to: its lines and where they go. Used by the pump thread only. */
final class Source {

    /** Longer lines are cut here; the rest continues as the next line. */
    static final int MAX_LINE = 64 * 1024;

    final int fd;
    final String service;
    final int instance;
    /** {@code web} or {@code web.2}, as bytes: the prefix of every prefixed line, encoded once. */
    final byte[] displayBytes;
    final Stream stream;
    final List<Sink> sinks;
    private byte[] partial = new byte[256];
    private int partialLength;

    Source(int fd, String service, int instance, String display, Stream stream, List<Sink> sinks) {
        this.fd = fd;
        this.service = service;
        this.instance = instance;
        this.displayBytes = display.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        this.stream = stream;
        this.sinks = sinks;
    }

    /** Frames {@code data[0, length)} into lines and hands each complete one to the sinks. */
    void feed(byte[] data, int length) {
        int start = 0;
        for (int i = 0; i < length; i++) {
            if (data[i] == '\n') {
                if (partialLength > 0) {
                    append(data, start, i - start);
                    emit(partial, 0, partialLength);
                    partialLength = 0;
                } else {
                    emit(data, start, i - start);
                }
                start = i + 1;
            }
        }
        if (start < length) {
            append(data, start, length - start);
        }
    }

    /** End of file: a last line without its newline still counts. */
    void finish() {
        if (partialLength > 0) {
            emit(partial, 0, partialLength);
            partialLength = 0;
        }
    }

    private void append(byte[] data, int offset, int length) {
        while (length > 0) {
            int room = MAX_LINE - partialLength;
            if (room == 0) {
                emit(partial, 0, partialLength);
                partialLength = 0;
                room = MAX_LINE;
            }
            int n = Math.min(room, length);
            if (partialLength + n > partial.length) {
                partial = Arrays.copyOf(partial, Math.min(MAX_LINE, Math.max(partialLength + n, partial.length * 2)));
            }
            System.arraycopy(data, offset, partial, partialLength, n);
            partialLength += n;
            offset += n;
            length -= n;
        }
    }

    private void emit(byte[] line, int offset, int length) {
        while (length > MAX_LINE) {
            emitOne(line, offset, MAX_LINE);
            offset += MAX_LINE;
            length -= MAX_LINE;
        }
        emitOne(line, offset, length);
    }

    private void emitOne(byte[] line, int offset, int length) {
        for (Sink sink : sinks) {
            sink.append(this, line, offset, length);
        }
    }
}
