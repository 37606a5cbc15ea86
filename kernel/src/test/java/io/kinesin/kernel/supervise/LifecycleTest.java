package io.kinesin.kernel.supervise;

import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.kinesin.kernel.supervise.FakeWorld.plan;
import static io.kinesin.kernel.supervise.FakeWorld.service;
import static io.kinesin.kernel.supervise.Plan.StatusRule.FIRST_FAILURE;
import static org.assertj.core.api.Assertions.assertThat;

/** The records listeners get: every move through the table, and every death with its facts. */
class LifecycleTest {

    private final FakeWorld w = new FakeWorld();

    @Test
    void aRestartIsAMoveToBackoffAndADeathThatWillRestart() {
        w.supervise(plan(FIRST_FAILURE, service("app").restart(RestartPolicy.ON_FAILURE)
                .backoff(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2, Duration.ofSeconds(60))))).start();
        int pid = w.pidOf("app", 0);
        w.lifecycle.clear();
        w.exit(pid, 4);
        assertThat(w.lifecycle).hasSize(2);
        Lifecycle.Moved moved = (Lifecycle.Moved) w.lifecycle.get(0);
        assertThat(moved.from()).isEqualTo(State.READY);
        assertThat(moved.to()).isEqualTo(State.BACKOFF);
        Lifecycle.Died died = (Lifecycle.Died) w.lifecycle.get(1);
        assertThat(died.pid()).isEqualTo(pid);
        assertThat(died.status()).isEqualTo(ExitStatus.exited(4));
        assertThat(died.cause()).isEqualTo(Lifecycle.Cause.EXIT);
        assertThat(died.willRestart()).isTrue();
        assertThat(died.deaths()).isEqualTo(1);
        assertThat(died.state()).isEqualTo(State.BACKOFF);
    }

    @Test
    void aCrashLoopEndsInAFinalDeathAndFailed() {
        w.supervise(plan(FIRST_FAILURE, service("app").restart(RestartPolicy.ALWAYS).crashLoop(1, Duration.ofSeconds(10))
                .backoff(new Backoff(Duration.ZERO, Duration.ZERO, 1, Duration.ofSeconds(60))))).start();
        w.exit(w.pidOf("app", 0), 1);
        w.kill(w.pidOf("app", 0), Signal.parse("SEGV"));
        Lifecycle.Died last = w.lifecycle.stream().filter(Lifecycle.Died.class::isInstance).map(Lifecycle.Died.class::cast)
                .reduce((x, y) -> y).orElseThrow();
        assertThat(last.willRestart()).isFalse();
        assertThat(last.state()).isEqualTo(State.FAILED);
        assertThat(last.cause()).isEqualTo(Lifecycle.Cause.SIGNAL);
        assertThat(last.deaths()).isEqualTo(2);
    }

    @Test
    void aDeathByKinesinsOwnLadderIsStopped() {
        w.supervise(plan(FIRST_FAILURE, service("app"))).start();
        w.supervision.onSignal(Signal.TERM);
        w.kill(w.pidOf("app", 0), Signal.TERM);
        assertThat(w.lifecycle).filteredOn(Lifecycle.Died.class::isInstance)
                .singleElement().extracting(r -> ((Lifecycle.Died) r).cause()).isEqualTo(Lifecycle.Cause.STOPPED);
        assertThat(w.lifecycle).filteredOn(Lifecycle.Moved.class::isInstance)
                .extracting(r -> ((Lifecycle.Moved) r).to())
                .containsExactly(State.RUNNING, State.READY, State.STOPPING, State.EXITED);
    }
}
