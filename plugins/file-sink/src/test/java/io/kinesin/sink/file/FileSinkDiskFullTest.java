package io.kinesin.sink.file;

import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.contract.Contexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * ENOSPC for real: a 64KiB tmpfs fills up mid-line. The sink must leave only whole lines,
 * and when space is freed the kernel's retry of the same batch must complete the file with
 * nothing lost, repeated or split.
 */
class FileSinkDiskFullTest {

    @TempDir
    Path dir;

    @Test
    void aFullDiskLeavesWholeLinesAndTheRetryAfterSpaceIsFreedCompletesThem() throws Throwable {
        Path mount = Files.createDirectory(dir.resolve("small"));
        try (Tmpfs ignored = Tmpfs.mount(mount, "64k")) {
            Path filler = mount.resolve("filler");
            Files.write(filler, new byte[16 * 1024]);
            Path path = mount.resolve("app.log");
            Lines lines = new Lines();
            try (LogSink sink = new FileSinkFactory().create(new FileSinkConfig(path.toString(), null, null), Contexts.plain())) {
                List<LogLine> failed = null;
                IOException error = null;
                while (failed == null && lines.made() < 10_000) {
                    List<LogLine> batch = lines.batch(37); // 3737 bytes: never a whole number of 4KiB pages
                    try {
                        sink.write(batch);
                    } catch (IOException e) {
                        failed = batch;
                        error = e;
                    }
                }
                assertThat(error).as("the disk filled up").isNotNull().hasMessageContaining("No space left on device");
                List<Integer> before = Lines.numbers(Files.readAllBytes(path)); // whole lines only
                assertThat(before).isEqualTo(Lines.upTo(before.size()));
                assertThat(before.size()).isGreaterThan(lines.made() - 37).isLessThan(lines.made());

                List<LogLine> retried = failed;
                assertThatThrownBy(() -> sink.write(retried)).isInstanceOf(IOException.class); // still full
                assertThat(Lines.numbers(Files.readAllBytes(path))).isEqualTo(Lines.upTo(before.size()));

                Files.delete(filler);
                sink.write(failed);
                sink.write(lines.batch(10));
                sink.flush();
            }
            assertThat(Lines.numbers(Files.readAllBytes(path))).isEqualTo(Lines.upTo(lines.made()));
        }
    }
}
