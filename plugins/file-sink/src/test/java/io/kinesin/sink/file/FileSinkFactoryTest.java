package io.kinesin.sink.file;

import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.Stream;
import io.kinesin.spi.contract.Contexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The factory as the kernel calls it: a relative path is from the config file's directory, and missing directories are made. */
class FileSinkFactoryTest {

    @TempDir
    Path configDir;

    @Test
    void aRelativePathIsFromTheConfigFilesDirectory() throws Exception {
        try (LogSink sink = new FileSinkFactory().create(new FileSinkConfig("logs/app.log", "prefixed", null), Contexts.configIn(configDir))) {
            sink.write(List.of(new LogLine("web", 0, Stream.STDOUT, Instant.EPOCH, "up".getBytes(StandardCharsets.UTF_8), false)));
        }
        assertThat(Files.readString(configDir.resolve("logs/app.log"))).isEqualTo("web | up\n");
    }

    @Test
    void anAbsolutePathIsTakenAsItIs() throws Exception {
        Path elsewhere = Files.createTempDirectory("elsewhere").resolve("a/b/app.log");
        try (LogSink sink = new FileSinkFactory().create(new FileSinkConfig(elsewhere.toString(), null, null), Contexts.configIn(configDir))) {
            sink.write(List.of(new LogLine("web", 0, Stream.STDOUT, Instant.EPOCH, "raw".getBytes(StandardCharsets.UTF_8), false)));
        }
        assertThat(Files.readString(elsewhere)).isEqualTo("raw\n");
        assertThat(configDir).isEmptyDirectory();
    }
}
