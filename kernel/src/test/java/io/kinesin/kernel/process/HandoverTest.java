package io.kinesin.kernel.process;

import io.kinesin.spi.ExitStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** fds handed to a child at chosen numbers, with real files and a real child. */
class HandoverTest {

    @Test
    void aChildGetsHandedFdsAtTheirNumbersEvenSwappedAndNoOtherFd(@TempDir Path dir) throws Exception {
        Path one = dir.resolve("one");
        Path two = dir.resolve("two");
        int a = Fds.openAppend(one.toString().getBytes(StandardCharsets.UTF_8));
        int b = Fds.openAppend(two.toString().getBytes(StandardCharsets.UTF_8));
        Path listing = dir.resolve("fds");
        try {
            // a goes where b is and b where a is: neither may be overwritten before it is copied
            String script = "echo to-one >&" + b + "; echo to-two >&" + a + "; echo high >&9; ls /proc/$$/fd > " + listing;
            SpawnSpec spec = SpawnSpec.inheriting(argv("bash", "-c", script), env(), SpawnSpec.Session.NEW_SESSION)
                    .withHandovers(List.of(new SpawnSpec.Handover(a, b), new SpawnSpec.Handover(b, a),
                            new SpawnSpec.Handover(a, 9)));
            int pid = new Spawner().spawn(spec);
            assertThat(waitFor(pid)).isEqualTo(ExitStatus.exited(0));
        } finally {
            Fds.close(a);
            Fds.close(b);
        }
        assertThat(Files.readString(one)).isEqualTo("to-one\nhigh\n");
        assertThat(Files.readString(two)).isEqualTo("to-two\n");
        List<Integer> fds = new ArrayList<>();
        for (String line : Files.readAllLines(listing)) {
            fds.add(Integer.parseInt(line.strip()));
        }
        assertThat(fds).containsExactlyInAnyOrder(0, 1, 2, a, b, 9);
    }

    @Test
    void stdioNumbersAreNotHandedOver() {
        assertThatThrownBy(() -> new SpawnSpec.Handover(5, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SpawnSpec.inheriting(argv("true"), env(), SpawnSpec.Session.NEW_SESSION)
                .withHandovers(List.of(new SpawnSpec.Handover(5, 3), new SpawnSpec.Handover(6, 3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fd 3");
    }

    private static ExitStatus waitFor(int pid) throws InterruptedException {
        Reaper reaper = new Reaper(false);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (Reaper.Change c : reaper.collect()) {
                if (c instanceof Reaper.Died d && d.pid() == pid) {
                    return d.status();
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("pid " + pid + " did not end within 10s");
    }

    private static List<byte[]> argv(String... words) {
        List<byte[]> out = new ArrayList<>();
        for (String w : words) {
            out.add(w.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static List<byte[]> env() {
        return List.of("PATH=/usr/bin:/bin".getBytes(StandardCharsets.UTF_8));
    }
}
