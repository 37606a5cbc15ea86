package io.kinesin.kernel.supervise;

import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.kinesin.kernel.supervise.FakeWorld.plan;
import static io.kinesin.kernel.supervise.FakeWorld.service;
import static io.kinesin.kernel.supervise.Plan.StatusRule.FIRST_FAILURE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Durations, signals, backoff and plan validation. */
class ModelTest {

    @Test
    void durations() {
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("2")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Durations.parse("1.5")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("0s")).isZero();
        assertThatThrownBy(() -> Durations.parse("2 days")).hasMessageContaining("\"2 days\" is not a duration");
        assertThatThrownBy(() -> Durations.parse("")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }

    @Test
    void signals() {
        assertThat(Signal.parse("TERM")).isEqualTo(Signal.TERM);
        assertThat(Signal.parse("sigterm")).isEqualTo(Signal.TERM);
        assertThat(Signal.parse("15")).isEqualTo(Signal.TERM);
        assertThat(Signal.parse("RTMIN+2").number()).isEqualTo(36);
        assertThat(new Signal(36).name()).isEqualTo("RTMIN+2");
        assertThat(new Signal(63).name()).isEqualTo("RTMAX-1");
        assertThat(Signal.KILL.sigName()).isEqualTo("SIGKILL");
        assertThatThrownBy(() -> Signal.parse("TREM")).hasMessageContaining("unknown signal \"TREM\"");
        assertThatThrownBy(() -> Signal.parse("65")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backoff() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 3, Duration.ofSeconds(60));
        assertThat(b.delay(0)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.delay(2)).isEqualTo(Duration.ofMillis(900));
        assertThat(b.delay(3)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.delay(10_000)).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 2, Duration.ZERO))
                .hasMessageContaining("max (1s) must not be below initial (2s)");
    }

    @Test
    void plansRejectCyclesUnknownDependenciesAndRestartingOneShots() {
        assertThatThrownBy(() -> plan(FIRST_FAILURE, service("a").dependsOn("b", Condition.STARTED),
                service("b").dependsOn("c", Condition.STARTED), service("c").dependsOn("a", Condition.READY)))
                .hasMessage("dependency cycle: a -> b -> c -> a");
        assertThatThrownBy(() -> plan(FIRST_FAILURE, service("a").dependsOn("nope", Condition.STARTED)))
                .hasMessageContaining("unknown service \"nope\"");
        assertThatThrownBy(() -> plan(FIRST_FAILURE, service("init").restart(RestartPolicy.ALWAYS),
                service("web").dependsOn("init", Condition.COMPLETED)))
                .hasMessageContaining("make it a one-shot task (restart: no)");
        assertThatThrownBy(() -> new Ladder(List.of(Signal.TERM), Duration.ZERO)).hasMessageContaining("> 0");
    }

    @Test
    void stopOrderPutsDependentsFirst() {
        Plan p = plan(FIRST_FAILURE, service("db"), service("cache"), service("web").dependsOn("db", Condition.READY)
                .dependsOn("cache", Condition.STARTED), service("proxy").dependsOn("web", Condition.STARTED), service("cron"));
        assertThat(p.stopOrder()).containsExactly(List.of("proxy", "cron"), List.of("web"), List.of("db", "cache"));
    }
}
