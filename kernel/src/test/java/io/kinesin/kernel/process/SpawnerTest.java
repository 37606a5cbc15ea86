package io.kinesin.kernel.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Program lookup as execvp does it, against real files. */
class SpawnerTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void looksUpProgramsInTheGivenPath(@TempDir Path dir) throws Exception {
        Path notExec = Files.writeString(dir.resolve("tool"), "x");
        Path other = Files.createDirectory(dir.resolve("bin"));
        Path exec = Files.writeString(other.resolve("tool"), "x");
        Files.setPosixFilePermissions(exec, PosixFilePermissions.fromString("rwxr-xr-x"));
        byte[] path = b(dir + ":" + other);
        assertThat(new String(Spawner.resolve(b("tool"), path, null), StandardCharsets.UTF_8)).isEqualTo(exec.toString());
        assertThat(Spawner.resolve(b("./tool"), path, null)).isEqualTo(b("./tool"));
        assertThatThrownBy(() -> Spawner.resolve(b("tool"), b(dir.toString()), null))
                .isInstanceOfSatisfying(SpawnException.class, e -> assertThat(e.exitCode()).isEqualTo(126))
                .hasMessageContaining("Permission denied");
        assertThatThrownBy(() -> Spawner.resolve(b("missing"), path, null))
                .isInstanceOfSatisfying(SpawnException.class, e -> assertThat(e.exitCode()).isEqualTo(127))
                .hasMessage("cannot execute missing: No such file or directory (ENOENT)");
        assertThat(notExec).exists();
    }

    @Test
    void theDefaultPathIsGlibcs() throws Exception {
        assertThat(Spawner.resolve(b("sh"), null, null)).isEqualTo(b("/bin/sh"));
        assertThat(Spawner.pathOf(java.util.List.of(b("A=1"), b("PATH=/x:/y")))).isEqualTo(b("/x:/y"));
    }
}
