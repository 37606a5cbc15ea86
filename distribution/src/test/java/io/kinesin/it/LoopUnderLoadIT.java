package io.kinesin.it;

import io.kinesin.kernel.process.Processes;
import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The supervisor's loop never stalls: not on a blocked stderr, not under a storm of deaths. */
class LoopUnderLoadIT {

    /** Each reaped orphan is a debug line: 3000 of them are more than the pipe and kinesin's queue hold. */
    private static final int ORPHANS = 3000;

    @Test
    void aStderrNobodyReadsDoesNotStopReapingOrShutdown(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("done");
        // at debug level every reaped orphan is a line: far more than a pipe holds (64 KiB)
        Kinesin.Running k = Kinesin.args("--log-level", "debug", "-t", "5s", "---", "sh", "-c",
                "i=0; while [ $i -lt " + ORPHANS + " ]; do (true &); i=$((i+1)); done; echo done > " + marker
                        + "; exec sleep 100").pipedStderr().start();
        Eventually.until("orphans made", Duration.ofSeconds(90), () -> Files.exists(marker)); // 3000 forks on a busy 2-core machine
        Eventually.until("every orphan reaped while stderr is full", Duration.ofSeconds(10),
                () -> Procs.childrenOf(k.pid()).stream().noneMatch(s -> s.state() == 'Z'));
        assertThat(Procs.childrenOf(k.pid())).as("only the orphan maker is left").hasSize(1);

        long t0 = System.nanoTime();
        k.signal(Signal.TERM);
        Eventually.until("the child stopped within the ladder's first step", Duration.ofSeconds(5),
                () -> Procs.childrenOf(k.pid()).stream().noneMatch(s -> s.state() != 'Z'));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));

        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(k.stderrPipe()));
        assertThat(k.await(Kinesin.DEFAULT_TIMEOUT).status()).as("the ladder's TERM is no failure").isZero();
        assertThat(stderr.get()).as("once stderr takes lines again, the loss is told")
                .contains("msg=\"kinesin log lines dropped: the log output was blocked\"");
    }

    @Test
    void aKillStormOnAHundredChildrenIsAnsweredWithAHundredRestarts(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("kinesin.yaml");
        Files.writeString(config, """
                services:
                  herd:
                    command: [sleep, "1000"]
                    replicas: 100
                    restart: always
                    backoff: { initial: 10ms, max: 10ms }
                    crash-loop: { deaths: 1000, within: 1m }
                """);
        Kinesin.Running k = Kinesin.args("run", config.toString()).start();
        Set<Integer> seen = new HashSet<>();
        Set<Integer> live = awaitHerd(k, seen);
        int fdsBefore = count(k.pid(), "fd");
        int threadsBefore = count(k.pid(), "task");
        for (int round = 0; round < 5; round++) {
            for (int pid : live) {
                Processes.kill(pid, Signal.KILL, false);
            }
            live = awaitHerd(k, seen);
        }
        assertThat(seen).as("every kill answered by a new process").hasSize(600);
        assertThat(count(k.pid(), "fd")).as("kinesin's fds").isLessThanOrEqualTo(fdsBefore + 2);
        assertThat(count(k.pid(), "task")).as("kinesin's threads").isLessThanOrEqualTo(threadsBefore + 2);
        k.signal(Signal.TERM);
        assertThat(k.await(Kinesin.DEFAULT_TIMEOUT).status()).isZero();
    }

    /** Waits until kinesin has 100 live sleep children, none seen before and no zombie; returns them. */
    private static Set<Integer> awaitHerd(Kinesin.Running k, Set<Integer> seen) throws InterruptedException {
        Eventually.until("100 new children and no zombie", () -> {
            List<Procs.Stat> children = Procs.childrenOf(k.pid());
            return children.size() == 100 && children.stream().allMatch(s -> s.state() != 'Z' && !seen.contains(s.pid()));
        });
        Set<Integer> live = new HashSet<>();
        Procs.childrenOf(k.pid()).forEach(s -> live.add(s.pid()));
        seen.addAll(live);
        return live;
    }

    private static int count(int pid, String what) {
        try (var entries = Files.list(Path.of("/proc/" + pid + "/" + what))) {
            return (int) entries.count();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String readAll(InputStream in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (in) {
            in.transferTo(out);
        } catch (java.io.IOException e) {
            // what was read so far is the answer
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
