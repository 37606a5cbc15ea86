package io.kinesin.kernel.supervise;

import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static io.kinesin.kernel.supervise.FakeWorld.forwardOnly;
import static io.kinesin.kernel.supervise.FakeWorld.service;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code --} mode as tini: TERM is passed on, kinesin never escalates, orphans do not hold it up. */
class ForwardOnlyTest {

    private final FakeWorld w = new FakeWorld();

    @Test
    void termIsPassedOnEveryTimeAndNeverEscalated() {
        w.supervise(forwardOnly(service("child"))).start();
        int pid = w.pidOf("child", 0);
        w.supervision.onSignal(Signal.TERM);
        w.advance(Duration.ofMinutes(10));
        w.supervision.onSignal(Signal.TERM);
        w.supervision.onSignal(Signal.INT);
        w.advance(Duration.ofMinutes(10));
        assertThat(w.signalsTo(pid)).containsExactly(Signal.TERM, Signal.TERM, Signal.INT);
        assertThat(w.timers).isEmpty();
        assertThat(w.supervision.finished()).as("kinesin waits for the child as long as it lives").isFalse();
        w.kill(pid, Signal.TERM);
        assertThat(w.supervision.exitStatus()).isEqualTo(143);
    }

    @Test
    void whenTheChildIsGoneOrphansGetTermAndKinesinExitsAtOnce() {
        w.supervise(forwardOnly(service("child"))).start();
        w.orphans.add(7001);
        w.orphans.add(7002);
        w.exit(w.pidOf("child", 0), 3);
        assertThat(w.signalsTo(7001)).containsExactly(Signal.TERM);
        assertThat(w.signalsTo(7002)).containsExactly(Signal.TERM);
        assertThat(w.supervision.finished()).isTrue();
        assertThat(w.supervision.exitStatus()).isEqualTo(3);
    }

    @Test
    void aRewriteStillApplies() {
        w.supervise(forwardOnly(service("child"))).start();
        int pid = w.pidOf("child", 0);
        w.supervision.onSignal(Signal.WINCH); // the fake forwarding drops WINCH
        w.supervision.onSignal(Signal.USR1); // and rewrites USR1 to USR2
        assertThat(w.signalsTo(pid)).containsExactly(Signal.USR2);
    }
}
