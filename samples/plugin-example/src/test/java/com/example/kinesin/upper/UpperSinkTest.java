package com.example.kinesin.upper;

import io.kinesin.spi.LogSink;
import io.kinesin.spi.contract.LogSinkContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import static io.kinesin.spi.Stream.STDOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * kinesin's sink contract (lines whole and in order, flush and close idempotent, ...), which
 * every sink's test extends, plus what this sink is for.
 */
class UpperSinkTest extends LogSinkContract {

    @TempDir
    Path dir;

    @Override
    protected LogSink newSink() throws Exception {
        return new UpperSinkFactory().create(new UpperSinkConfig(dir.resolve("logs/shout.log").toString()), null);
    }

    @Override
    protected List<String> delivered() throws IOException {
        return lines(Files.readAllBytes(dir.resolve("logs/shout.log")));
    }

    /** The contract expects each line's text back; this sink upper-cases it. */
    @Override
    protected String expected(String text) {
        return text.toUpperCase(Locale.ROOT);
    }

    @Test
    void linesAreWrittenInUpperCase() throws Exception {
        try (LogSink sink = newSink()) {
            sink.write(List.of(line("web", 0, STDOUT, "hello, world"), line("web", 0, STDOUT, "straße")));
            sink.flush();
        }
        assertThat(Files.readString(dir.resolve("logs/shout.log"))).isEqualTo("HELLO, WORLD\nSTRASSE\n");
    }

    @Test
    void aMissingPathSaysWhatToWrite() {
        assertThatThrownBy(() -> new UpperSinkConfig(null)).hasMessageStartingWith("path: required");
    }
}
