package io.kinesin.kernel.supervise;

import io.kinesin.kernel.process.Reaper;
import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.kinesin.kernel.supervise.FakeWorld.plan;
import static io.kinesin.kernel.supervise.FakeWorld.service;
import static io.kinesin.kernel.supervise.Plan.StatusRule.FIRST_FAILURE;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Deaths reaped in one batch: every pid of it is dead before any rule runs, so the shutdown
 * the first death starts never signals a pid reaped with it (the fake refuses to).
 */
class ReapBatchTest {

    private final FakeWorld w = new FakeWorld();

    @Test
    void aShutdownStartedByTheFirstDeathSkipsPidsReapedWithIt() {
        w.supervise(plan(FIRST_FAILURE, service("a"), service("b"), service("c"))).start();
        int a = w.pidOf("a", 0);
        int b = w.pidOf("b", 0);
        int c = w.pidOf("c", 0);
        w.dieTogether(List.of(new Reaper.Died(a, ExitStatus.exited(3)), new Reaper.Died(b, ExitStatus.exited(5))));
        assertThat(w.signalsTo(b)).isEmpty();
        assertThat(w.signalsTo(c)).containsExactly(Signal.TERM);
        w.kill(c, Signal.TERM);
        assertThat(w.supervision.exitStatus()).isEqualTo(3);
    }

    @Test
    void aRestartedInstanceIsSignalledAgain() {
        w.supervise(plan(FIRST_FAILURE, service("a").restart(RestartPolicy.ALWAYS)
                .backoff(new Backoff(java.time.Duration.ZERO, java.time.Duration.ZERO, 1, java.time.Duration.ofSeconds(1))),
                service("b"))).start();
        int first = w.pidOf("a", 0);
        w.dieTogether(List.of(new Reaper.Died(first, ExitStatus.exited(1))));
        int second = w.pidOf("a", 0);
        assertThat(second).isNotEqualTo(first);
        w.supervision.onSignal(Signal.TERM);
        assertThat(w.signalsTo(second)).containsExactly(Signal.TERM);
    }
}
