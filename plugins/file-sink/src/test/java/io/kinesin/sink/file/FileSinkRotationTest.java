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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FileSinkRotationTest {

    @TempDir
    Path dir;

    @Test
    void aFloodOfAMillionLinesAcrossRotationsLosesNothing() throws Exception {
        Path path = dir.resolve("app.log");
        Lines lines = new Lines();
        try (LogSink sink = sink(path, "raw", new FileSinkConfig.Rotate("1MiB", 200))) {
            for (int b = 0; b < 1000; b++) {
                sink.write(lines.batch(1000));
            }
            sink.flush();
        }
        int files = 0;
        for (int i = 1; Files.exists(LogFiles.numbered(path, i)); i++) {
            Path rotated = LogFiles.numbered(path, i);
            assertThat(Files.size(rotated)).as(rotated.toString()).isLessThanOrEqualTo(1 << 20).isGreaterThan((1 << 20) - Lines.LENGTH);
            Lines.numbers(Files.readAllBytes(rotated)); // whole lines only: none split across files
            files++;
        }
        assertThat(files).isEqualTo(1_000_000 * Lines.LENGTH / (1 << 20));
        assertThat(Lines.numbers(LogFiles.all(path))).isEqualTo(Lines.upTo(1_000_000));
    }

    @Test
    void onlyKeepRotatedFilesAreKeptAndTheyAreTheNewest() throws Exception {
        Path path = dir.resolve("app.log");
        Lines lines = new Lines();
        try (LogSink sink = sink(path, "raw", new FileSinkConfig.Rotate(Integer.toString(2 * Lines.LENGTH), 3))) {
            for (int i = 0; i < 10; i++) {
                sink.write(lines.batch(1));
            }
        }
        assertThat(LogFiles.numbered(path, 4)).doesNotExist();
        assertThat(Lines.numbers(Files.readAllBytes(LogFiles.numbered(path, 3)))).containsExactly(2, 3);
        assertThat(Lines.numbers(Files.readAllBytes(LogFiles.numbered(path, 1)))).containsExactly(6, 7);
        assertThat(Lines.numbers(Files.readAllBytes(path))).containsExactly(8, 9);
    }

    @Test
    void aRotatedFileSomeoneDeletedLeavesAGapAndOlderOnesKeepTheirNames() throws Exception {
        Path path = dir.resolve("app.log");
        Lines lines = new Lines();
        try (LogSink sink = sink(path, "raw", new FileSinkConfig.Rotate(Integer.toString(Lines.LENGTH), 5))) {
            sink.write(lines.batch(4)); // 0 in app.log.3, 1 in .2, 2 in .1, 3 in app.log
            Files.delete(LogFiles.numbered(path, 2));
            sink.write(lines.batch(1));
        }
        assertThat(Lines.numbers(Files.readAllBytes(LogFiles.numbered(path, 3)))).containsExactly(0);
        assertThat(Lines.numbers(Files.readAllBytes(LogFiles.numbered(path, 2)))).containsExactly(2);
        assertThat(Lines.numbers(Files.readAllBytes(LogFiles.numbered(path, 1)))).containsExactly(3);
        assertThat(Lines.numbers(Files.readAllBytes(path))).containsExactly(4);
    }

    @Test
    void aLineLongerThanTheSizeHasAFileToItself() throws Exception {
        Path path = dir.resolve("app.log");
        try (LogSink sink = sink(path, "raw", new FileSinkConfig.Rotate("100", 5))) {
            sink.write(List.of(line("web", 0, "short"), line("web", 0, "x".repeat(300)), line("web", 0, "after")));
        }
        assertThat(Files.readString(LogFiles.numbered(path, 2))).isEqualTo("short\n");
        assertThat(Files.readString(LogFiles.numbered(path, 1))).isEqualTo("x".repeat(300) + "\n");
        assertThat(Files.readString(path)).isEqualTo("after\n");
    }

    @Test
    void prefixedLinesNameTheInstanceOfAReplicatedService() throws Exception {
        Path path = dir.resolve("app.log");
        try (LogSink sink = new FileSinkFactory().create(new FileSinkConfig(path.toString(), "prefixed", null),
                Contexts.replicas(Map.of("worker", 3)))) {
            sink.write(List.of(line("web", 0, "GET /"), line("worker", 2, "job done")));
        }
        assertThat(Files.readString(path)).isEqualTo("web | GET /\nworker.2 | job done\n");
    }

    @Test
    void theFileAndItsDirectoriesAreCreatedReadableByAll() throws Exception {
        Path path = dir.resolve("var/log/app/app.log");
        try (LogSink sink = sink(path, null, null)) {
            sink.write(List.of(line("web", 0, "hello")));
        }
        assertThat(Files.readString(path)).isEqualTo("hello\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).isEqualTo("rw-r--r--");
    }

    @Test
    void anExistingFileIsAppendedToAndItsSizeCountsForRotation() throws Exception {
        Path path = dir.resolve("app.log");
        Files.writeString(path, "from before\n");
        try (LogSink sink = sink(path, "raw", new FileSinkConfig.Rotate("14", 1))) {
            sink.write(List.of(line("web", 0, "one"), line("web", 0, "two")));
        }
        assertThat(Files.readString(LogFiles.numbered(path, 1))).isEqualTo("from before\n");
        assertThat(Files.readString(path)).isEqualTo("one\ntwo\n");
    }

    private static LogSink sink(Path path, String format, FileSinkConfig.Rotate rotate) throws Exception {
        return new FileSinkFactory().create(new FileSinkConfig(path.toString(), format, rotate), Contexts.plain());
    }

    private static int clock;

    static LogLine line(String service, int instance, String text) {
        return new LogLine(service, instance, Stream.STDOUT, Instant.ofEpochSecond(1_800_000_000L, ++clock),
                text.getBytes(StandardCharsets.UTF_8), false);
    }

}
