package io.kinesin.kernel.process;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProcSelfTest {

    private static byte[] environ(String... entries) {
        return (String.join("\0", entries) + "\0").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<String> text(List<byte[]> entries) {
        return entries.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
    }

    /** What bin/kinesin writes: base64 wrapped at 76 columns, as GNU base64 does, and a final newline. */
    private static byte[] launcherText(byte[] environ) {
        return (Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(environ) + "\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void theLaunchersBase64DecodesToTheEntriesInOrder() {
        String big = "X".repeat(300);
        byte[] original = environ("B=2", "A=caf\u00e9", "EMPTY=", "BIG=" + big, "=odd", "NOEQUALS");
        assertThat(text(ProcSelf.launchEnvironment(launcherText(original))))
                .containsExactly("B=2", "A=caf\u00e9", "EMPTY=", "BIG=" + big, "=odd", "NOEQUALS");
    }

    @Test
    void anEmptyOriginalEnvironmentStaysEmpty() {
        assertThat(ProcSelf.launchEnvironment("\n".getBytes(StandardCharsets.US_ASCII))).isEmpty();
    }

    @Test
    void theLaunchersFdIsReadToItsEndAndClosed() throws Exception {
        int[] pipe = Fds.pipe();
        byte[] text = launcherText(environ("A=1", "B=2"));
        try (Arena arena = Arena.ofConfined()) {
            Fds.writeFully(pipe[1], text, text.length, arena.allocate(64));
        }
        Fds.close(pipe[1]);
        assertThat(text(ProcSelf.fromLauncher(pipe[0]))).containsExactly("A=1", "B=2");
        assertThat(Files.exists(Path.of("/proc/self/fd/" + pipe[0]), java.nio.file.LinkOption.NOFOLLOW_LINKS))
                .as("fd %d closed", pipe[0]).isFalse();
    }

    @Test
    void splitKeepsEmptyEntries() {
        assertThat(text(ProcSelf.split("a\0\0b\0".getBytes(StandardCharsets.US_ASCII)))).containsExactly("a", "", "b");
        assertThat(text(ProcSelf.split("a\0b".getBytes(StandardCharsets.US_ASCII)))).containsExactly("a", "b");
        assertThat(ProcSelf.split(new byte[0])).isEmpty();
    }
}
