package io.kinesin.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a child finds when it starts: its own session and process group, a clean signal
 * state, only fds 0-2, kinesin's cwd, and argv, environment and stdio byte for byte.
 */
class ChildStateIT {

    @Test
    void eachChildLeadsItsOwnSessionAndProcessGroup() throws Exception {
        String report = "cat /proc/$$/stat; exec sleep 100";
        Kinesin.Running k = Kinesin.args("---", "sh", "-c", report, "---", "sh", "-c", report).start();
        Eventually.until("both children report", () -> {
            try {
                return k.stdoutSoFar().lines().count() == 2;
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        });
        k.signal(io.kinesin.spi.Signal.TERM);
        Kinesin.Result r = k.await(Kinesin.DEFAULT_TIMEOUT);
        assertThat(r.status()).isZero();
        for (String line : r.stdout().lines().toList()) {
            String[] f = line.substring(line.lastIndexOf(')') + 2).split(" ");
            int pid = Integer.parseInt(line.substring(0, line.indexOf(' ')));
            assertThat(Integer.parseInt(f[2])).as("pgrp of %s", pid).isEqualTo(pid);
            assertThat(Integer.parseInt(f[3])).as("session of %s", pid).isEqualTo(pid);
        }
        assertThat(r.stdout().lines()).hasSize(2);
    }

    @Test
    void theSignalStateIsClean() throws Exception {
        // kinesin itself starts with signals ignored (nohup-style); its JVM threads block some
        String inner = Kinesin.BIN + " -- cat /proc/self/status";
        Kinesin.Result r = Kinesin.command(List.of("sh", "-c", "trap '' HUP INT QUIT PIPE USR1; exec " + inner)).run();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("SigBlk:\t0000000000000000")
                .contains("SigIgn:\t0000000000000000")
                .contains("SigCgt:\t0000000000000000");
    }

    @Test
    void onlyStdioIsInherited() throws Exception {
        // ls lists the shell's fds, not its own
        Kinesin.Result r = Kinesin.args("--", "sh", "-c", "ls /proc/$$/fd").run();
        assertThat(r.stdout()).as(r.toString()).isEqualTo("0\n1\n2\n");
        // the first to end would stop the other: both report, then wait for kinesin's TERM
        String report = "ls /proc/$$/fd; exec sleep 100";
        Kinesin.Running multi = Kinesin.args("---", "sh", "-c", report, "---", "sh", "-c", report).start();
        Eventually.until("both children report", () -> RunIT.stdout(multi).lines().count() == 6);
        multi.signal(io.kinesin.spi.Signal.TERM);
        assertThat(multi.await(Kinesin.DEFAULT_TIMEOUT).stdout()).isEqualTo("0\n1\n2\n0\n1\n2\n");
    }

    @Test
    void theWorkingDirectoryIsInherited(@TempDir Path dir) throws Exception {
        Kinesin.Result r = Kinesin.args("--", "pwd", "-P").cwd(dir).run();
        assertThat(r.stdout().strip()).isEqualTo(dir.toRealPath().toString());
    }

    @Test
    void anEmptyEnvironmentStaysEmpty() throws Exception {
        Kinesin.Result r = Kinesin.args("--", "/usr/bin/env").clearEnv().run();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.stdoutBytes()).as("no PWD, no _JAVA_SR_SIGNUM, no KINESIN_ENVIRON").isEmpty();
    }

    @Test
    void theEnvironmentPassesThroughByteForByteAndInOrder() throws Exception {
        // sh builds an environment with a non-UTF-8 value, duplicate-free but in a known order
        String script = "exec env -i ZED=last 'A B=spaced =' LATIN=caf$'\\xe9' JAVA_TOOL_OPTIONS=-Xmx1m _JAVA_SR_SIGNUM=12 "
                + "KINESIN_ENVIRON=user-set EMPTY= " + Kinesin.BIN + " -- /usr/bin/env";
        Kinesin.Result r = Kinesin.command(List.of("bash", "-c", script)).clearEnv().run();
        assertThat(r.status()).as(r.toString()).isZero();
        byte[] expected = concat("ZED=last\n", "A B=spaced =\n", "LATIN=caf", new byte[] {(byte) 0xe9}, "\n",
                "JAVA_TOOL_OPTIONS=-Xmx1m\n", "_JAVA_SR_SIGNUM=12\n", "KINESIN_ENVIRON=user-set\n", "EMPTY=\n");
        assertThat(r.stdoutBytes()).as("child environment:\n%s", r.stdout()).isEqualTo(expected);
        assertThat(r.stderr()).as("kinesin's own JVM did not pick up JAVA_TOOL_OPTIONS").isEmpty();
    }

    @Test
    void argvPassesThroughByteForByte() throws Exception {
        // arguments: empty, spaces, non-UTF-8, a lone '--' and '---', newline
        String script = "exec " + Kinesin.BIN + " -- sh -c 'for a; do printf \"%s|\" \"$a\"; done' argv0 '' 'a b' $'\\xff\\xfe' -- --- $'x\\ny'";
        Kinesin.Result r = Kinesin.command(List.of("bash", "-c", script)).run();
        assertThat(r.status()).as(r.toString()).isZero();
        byte[] expected = concat("|a b|", new byte[] {(byte) 0xff, (byte) 0xfe}, "|--|---|x\ny|");
        assertThat(r.stdoutBytes()).isEqualTo(expected);
    }

    @Test
    void stdinStdoutAndStderrAreTheChildsOwn() throws Exception {
        byte[] data = new byte[256 * 1024];
        new Random(42).nextBytes(data);
        Kinesin.Result out = Kinesin.args("--", "cat").stdin(data).run();
        assertThat(out.stdoutBytes()).isEqualTo(data);
        Kinesin.Result err = Kinesin.args("--", "sh", "-c", "cat >&2").stdin(data).run();
        assertThat(err.stderrBytes()).isEqualTo(data);
        assertThat(err.stdoutBytes()).isEmpty();
        Kinesin.Result multi = Kinesin.args("---", "cat").stdin(data).run();
        assertThat(multi.stdoutBytes()).isEqualTo(data);
    }

    private static byte[] concat(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            byte[] b = p instanceof byte[] bytes ? bytes : ((String) p).getBytes(StandardCharsets.UTF_8);
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    @SuppressWarnings("unused")
    private static String hex(byte[] b) {
        return Arrays.toString(b);
    }
}
