package com.example.kinesin.upper;

import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * Appends each line, upper-cased, to a file. kinesin calls it from one thread at a time, so
 * it needs no locks; it buffers what {@link #write} gets and hands it to the file on
 * {@link #flush}, which kinesin calls when its queue runs empty and before {@link #close}.
 */
final class UpperSink implements LogSink {

    private final OutputStream out;
    private boolean closed;

    UpperSink(Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
    }

    @Override
    public void write(List<LogLine> batch) throws IOException {
        if (closed) {
            throw new IllegalStateException("the upper sink is closed");
        }
        for (LogLine line : batch) {
            // the text is the child's bytes, not necessarily UTF-8: string() makes bad bytes U+FFFD
            out.write(line.string().toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
    }

    @Override
    public void flush() throws IOException {
        if (!closed) {
            out.flush();
        }
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            out.close();
        }
    }
}
