package io.kinesin.kernel.process;

import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Process-wide calls, checked against what the kernel reports in /proc. */
class ProcessesTest {

    @Test
    void withoutGettidTheThreadIdComesFromProc() throws Exception {
        int[] ids = CompletableFuture.supplyAsync(() -> new int[] {Processes.thread(), Processes.threadFromProc()})
                .get(10, TimeUnit.SECONDS);
        assertThat(ids[1]).isEqualTo(ids[0]).isNotEqualTo(Processes.pid());
    }

    @Test
    void blockingChangesTheCallingThreadsMaskOnly() throws Exception {
        String before = sigBlk();
        String[] inThread = CompletableFuture.supplyAsync(() -> {
            Processes.block(List.of(Signal.USR1));
            String blocked = sigBlk();
            Processes.unblock(List.of(Signal.USR1));
            return new String[] {blocked, sigBlk()};
        }).get(10, TimeUnit.SECONDS);
        long usr1 = 1L << (Signal.USR1.number() - 1);
        assertThat(Long.parseLong(inThread[0], 16) & usr1).as("USR1 blocked in that thread").isEqualTo(usr1);
        assertThat(Long.parseLong(inThread[1], 16) & usr1).as("and unblocked again").isZero();
        assertThat(sigBlk()).as("this thread's mask").isEqualTo(before);
    }

    private static String sigBlk() {
        try {
            return Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
                    .filter(l -> l.startsWith("SigBlk:")).findFirst().orElseThrow().substring(7).strip();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
