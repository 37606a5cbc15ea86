package io.kinesin.kernel.process;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
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

    @Test
    void theLaunchersCopyOfTheEnvironmentWins() {
        byte[] original = environ("B=2", "A=caf\u00e9", "EMPTY=");
        String b64 = Base64.getMimeEncoder().encodeToString(original);
        byte[] jvm = environ("PWD=/added/by/sh", "A=caf\u00e9", "KINESIN_ENVIRON=" + b64, "_JAVA_SR_SIGNUM=40", "B=2", "EMPTY=");
        assertThat(text(ProcSelf.launchEnvironment(jvm, true))).containsExactly("B=2", "A=caf\u00e9", "EMPTY=");
    }

    @Test
    void anEmptyOriginalEnvironmentStaysEmpty() {
        byte[] jvm = environ("PWD=/", "KINESIN_ENVIRON=", "_JAVA_SR_SIGNUM=40");
        assertThat(ProcSelf.launchEnvironment(jvm, true)).isEmpty();
    }

    @Test
    void withoutTheCopyOnlyTheLaunchersOwnVariableGoes() {
        byte[] jvm = environ("A=1", "_JAVA_SR_SIGNUM=40");
        assertThat(text(ProcSelf.launchEnvironment(jvm, true))).containsExactly("A=1");
        assertThat(text(ProcSelf.launchEnvironment(jvm, false))).containsExactly("A=1", "_JAVA_SR_SIGNUM=40");
    }

    @Test
    void splitKeepsEmptyEntries() {
        assertThat(text(ProcSelf.split("a\0\0b\0".getBytes(StandardCharsets.US_ASCII)))).containsExactly("a", "", "b");
        assertThat(text(ProcSelf.split("a\0b".getBytes(StandardCharsets.US_ASCII)))).containsExactly("a", "b");
        assertThat(ProcSelf.split(new byte[0])).isEmpty();
    }
}
