package io.kinesin.sink.file;

import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.Metrics;
import io.kinesin.spi.PluginContext;
import io.kinesin.spi.Spawner;
import io.kinesin.spi.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The factory as the kernel calls it: a relative path is from the config file's directory, and missing directories are made. */
class FileSinkFactoryTest {

    @TempDir
    Path configDir;

    @Test
    void aRelativePathIsFromTheConfigFilesDirectory() throws Exception {
        try (LogSink sink = new FileSinkFactory().create(new FileSinkConfig("logs/app.log", "prefixed", null), context(configDir))) {
            sink.write(List.of(new LogLine("web", 0, Stream.STDOUT, Instant.EPOCH, "up".getBytes(StandardCharsets.UTF_8), false)));
        }
        assertThat(Files.readString(configDir.resolve("logs/app.log"))).isEqualTo("web | up\n");
    }

    @Test
    void anAbsolutePathIsTakenAsItIs() throws Exception {
        Path elsewhere = Files.createTempDirectory("elsewhere").resolve("a/b/app.log");
        try (LogSink sink = new FileSinkFactory().create(new FileSinkConfig(elsewhere.toString(), null, null), context(configDir))) {
            sink.write(List.of(new LogLine("web", 0, Stream.STDOUT, Instant.EPOCH, "raw".getBytes(StandardCharsets.UTF_8), false)));
        }
        assertThat(Files.readString(elsewhere)).isEqualTo("raw\n");
        assertThat(configDir).isEmptyDirectory();
    }

    private static PluginContext context(Path configDirectory) {
        return new PluginContext() {
            @Override
            public Spawner spawner() {
                throw new UnsupportedOperationException("a file sink spawns nothing");
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }

            @Override
            public System.Logger logger() {
                return System.getLogger("file-sink-test");
            }

            @Override
            public Path stateDir() {
                throw new UnsupportedOperationException("a file sink keeps no state");
            }

            @Override
            public Metrics metrics() {
                throw new UnsupportedOperationException("a file sink counts nothing of its own");
            }

            @Override
            public Path configDirectory() {
                return configDirectory;
            }
        };
    }
}
