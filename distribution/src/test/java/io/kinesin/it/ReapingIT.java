package io.kinesin.it;

import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Orphans reparented to kinesin are reaped: as a child subreaper (not PID 1) and as PID 1 of
 * a PID namespace (what a container gives it). Needs root for unshare.
 */
class ReapingIT {

    private static final int ORPHANS = 1000;

    /** A child that double-forks ORPHANS short-lived orphans, says "done", then waits. */
    private static List<String> orphanMaker(Path marker) {
        return List.of("sh", "-c", "i=0; while [ $i -lt " + ORPHANS + " ]; do (true &); i=$((i+1)); done; "
                + "echo done > " + marker + "; exec sleep 100");
    }

    private static boolean onlyTheOrphanMaker(int kinesin) {
        List<Procs.Stat> children = Procs.childrenOf(kinesin);
        return children.size() == 1 && children.getFirst().state() != 'Z';
    }

    @Test
    void asSubreaperEveryOrphanIsReaped(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("done");
        Kinesin.Running k = Kinesin.args(Children.concat(List.of("--"), orphanMaker(marker).toArray(String[]::new))).start();
        Eventually.until("orphans made", () -> Files.exists(marker));
        // orphans of the last subshells may still arrive after the marker: wait until all are reaped
        Eventually.until("no zombie and only the orphan maker left under kinesin", () -> onlyTheOrphanMaker(k.pid()));
        assertThat(Procs.childrenOf(k.pid())).as("only the orphan maker is left").hasSize(1);
        k.signal(Signal.TERM);
        assertThat(k.await(Kinesin.DEFAULT_TIMEOUT).status()).isEqualTo(143);
    }

    @Test
    void asPid1EveryOrphanIsReaped(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("done");
        Kinesin.Running unshare = Kinesin.args(Children.concat(List.of("--"), orphanMaker(marker).toArray(String[]::new)))
                .asPid1().start();
        Eventually.until("kinesin is PID 1 of the namespace", () -> !Procs.childrenOf(unshare.pid()).isEmpty());
        int kinesin = Procs.childrenOf(unshare.pid()).getFirst().pid();
        Eventually.until("orphans made", () -> Files.exists(marker));
        Eventually.until("no zombie and only the orphan maker left under kinesin", () -> onlyTheOrphanMaker(kinesin));
        assertThat(Procs.childrenOf(kinesin)).hasSize(1);
        io.kinesin.kernel.process.Processes.kill(kinesin, Signal.TERM, false);
        assertThat(unshare.await(Kinesin.DEFAULT_TIMEOUT).status()).isEqualTo(143);
    }

    @Test
    void asPid1TermStopsTheChildrenAndKinesinWaitsForThem(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("signals");
        Path out2 = dir.resolve("signals2");
        String[] args = Children.concat(new String[] {"---"}, Children.signalReporter(out, "HUP"));
        args = Children.concat(args, List.of("---", "sh", "-c", "trap '' HUP; trap 'echo TERM >> " + out2 + "; exit 0' TERM; echo ready 0 >> "
                + out2 + "; while :; do sleep 0.05; done"));
        Kinesin.Running unshare = Kinesin.args(args).asPid1().start();
        Children.awaitReady(out);
        Children.awaitReady(out2);
        int kinesin = Procs.childrenOf(unshare.pid()).getFirst().pid();
        io.kinesin.kernel.process.Processes.kill(kinesin, Signal.HUP, false);
        Eventually.until("HUP forwarded inside the namespace", () -> Children.lines(out).contains("HUP"));
        io.kinesin.kernel.process.Processes.kill(kinesin, Signal.TERM, false);
        Kinesin.Result r = unshare.await(Kinesin.DEFAULT_TIMEOUT);
        assertThat(Children.lines(out2)).as("the child got TERM before kinesin (PID 1) exited").contains("TERM");
        assertThat(r.status()).as("deaths by kinesin's own TERM are no failure: %s", r).isZero();
    }
}
