package io.kinesin.spi;

import io.kinesin.spi.contract.DeathHookContract;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The post-death hook contract holds for a small conforming hook: one line per death in a file. */
class FileHookContractTest extends DeathHookContract {

    @TempDir
    Path dir;

    @Override
    protected DeathHook newHook(Duration timeout) {
        Path file = dir.resolve("deaths.log");
        return death -> Files.writeString(file, line(death), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    protected void assertDelivered(Death death) throws IOException {
        assertThat(Files.readAllLines(dir.resolve("deaths.log"))).last().isEqualTo(line(death).strip());
    }

    private static String line(Death d) {
        return d.service() + "." + d.instance() + " pid " + d.pid() + " " + d.status() + " deaths " + d.deaths() + "\n";
    }
}
