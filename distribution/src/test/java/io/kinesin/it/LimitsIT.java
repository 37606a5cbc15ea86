package io.kinesin.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Children get the resource limits kinesin was started with. HotSpot raises its own soft
 * open-file limit to the hard one at start-up (MaxFDLimit) unless told not to, and children
 * would inherit that.
 */
class LimitsIT {

    /** Soft limits below any sane hard limit, so that raising one to the hard limit shows. */
    private static final String LOWERED = "ulimit -Sn 1024; ulimit -Sc 0; ulimit -Ss 4096";

    @Test
    void theOneChildSeesTheShellsLimits(@TempDir Path dir) throws Exception {
        Path parent = dir.resolve("parent");
        Kinesin.Result r = Kinesin.command(List.of("sh", "-c",
                LOWERED + "; cat /proc/self/limits > " + parent + "; exec " + Kinesin.BIN + " -- cat /proc/self/limits")).run();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(Files.readString(parent)).contains("Max open files            1024 ");
        assertThat(r.stdout()).isEqualTo(Files.readString(parent));
    }

    @Test
    void servicesSeeTheShellsLimits(@TempDir Path dir) throws Exception {
        Path parent = dir.resolve("parent");
        Path child = dir.resolve("child");
        Path config = dir.resolve("kinesin.json");
        Files.writeString(config, """
                {"services": {"limits": {"command": ["sh", "-c", "cat /proc/self/limits > %s"]}}}
                """.formatted(child));
        Kinesin.Result r = Kinesin.command(List.of("sh", "-c",
                LOWERED + "; cat /proc/self/limits > " + parent + "; exec " + Kinesin.BIN + " run " + config)).run();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(Files.readString(child)).isEqualTo(Files.readString(parent));
    }
}
