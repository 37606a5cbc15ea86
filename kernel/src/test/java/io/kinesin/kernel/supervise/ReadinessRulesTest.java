package io.kinesin.kernel.supervise;

import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static io.kinesin.kernel.supervise.FakeWorld.plan;
import static io.kinesin.kernel.supervise.FakeWorld.service;
import static io.kinesin.kernel.supervise.Plan.StatusRule.FIRST_FAILURE;
import static org.assertj.core.api.Assertions.assertThat;

/** Readiness, watchdogs and health checks in the supervisor's rules, on a manual clock: no processes. */
class ReadinessRulesTest {

    private final FakeWorld w = new FakeWorld();

    private static Duration s(long n) {
        return Duration.ofSeconds(n);
    }

    private static Readiness systemd(Duration timeout, Duration watchdog) {
        return new Readiness(Readiness.Protocol.SYSTEMD, timeout, watchdog, 0, null);
    }

    private static HealthSpec check(HealthSpec.Action action, int failures, int successes) {
        return new HealthSpec("http", s(10), s(1), Duration.ZERO, failures, successes, action);
    }

    private List<Lifecycle.Died> deaths() {
        return w.lifecycle.stream().filter(l -> l instanceof Lifecycle.Died).map(l -> (Lifecycle.Died) l).toList();
    }

    @Test
    void anInstanceWithAProtocolRunsUntilItSaysReadyAndOnlyThenItsDependentStarts() {
        w.supervise(plan(FIRST_FAILURE, service("db").ready(systemd(s(30), Duration.ZERO)),
                service("web").dependsOn("db", Condition.READY))).start();
        assertThat(w.state("db", 0)).isEqualTo(State.RUNNING);
        assertThat(w.spawnCount("web")).isZero();
        w.notice("db", 0, new Notice.Status("loading 40%"));
        assertThat(w.supervision.instances().getFirst().notifyStatus()).isEqualTo("loading 40%");
        assertThat(w.spawnCount("web")).isZero();
        w.notice("db", 0, Notice.Ready.INSTANCE);
        assertThat(w.state("db", 0)).isEqualTo(State.READY);
        assertThat(w.spawnCount("web")).isEqualTo(1);
        assertThat(w.timers).doesNotContainKey(new Timer.ReadyTimeout("db", 0));
    }

    @Test
    void notReadyInTimeIsABrokenInstanceStoppedByItsLadderAndRestartedAsAFailure() {
        w.supervise(plan(FIRST_FAILURE, service("app").restart(RestartPolicy.ON_FAILURE)
                .ready(systemd(s(20), Duration.ZERO)).crashLoop(2, s(600)))).start();
        int pid = w.pidOf("app", 0);
        w.advance(s(19));
        assertThat(w.signalsTo(pid)).isEmpty();
        w.advance(s(1));
        assertThat(w.state("app", 0)).isEqualTo(State.STOPPING);
        assertThat(w.signalsTo(pid)).containsExactly(Signal.TERM);
        w.kill(pid, Signal.TERM); // a death by kinesin's TERM, but a failure: on-failure restarts it
        assertThat(w.state("app", 0)).isEqualTo(State.BACKOFF);
        assertThat(deaths().getLast().cause()).isEqualTo(Lifecycle.Cause.READY_TIMEOUT);
        assertThat(deaths().getLast().willRestart()).isTrue();
        assertThat(Lifecycle.Cause.READY_TIMEOUT.label()).isEqualTo("ready-timeout");

        // the crash-loop limit (2 deaths) applies to these deaths as to any
        w.advance(s(1));
        w.advance(s(20));
        w.kill(w.pidOf("app", 0), Signal.TERM);
        w.advance(s(1));
        w.advance(s(20));
        w.kill(w.pidOf("app", 0), Signal.TERM);
        assertThat(w.state("app", 0)).isEqualTo(State.FAILED);
        assertThat(w.supervision.instances().getFirst().failure()).startsWith("crash loop: 3 deaths").contains("not ready within 20s");
    }

    @Test
    void aBrokenInstanceThatIgnoresTheFirstSignalGetsTheNextStepOfItsLadder() {
        Ladder ladder = new Ladder(List.of(Signal.QUIT, Signal.KILL), s(3));
        w.supervise(plan(FIRST_FAILURE, service("app").stop(ladder).ready(systemd(s(5), Duration.ZERO)))).start();
        int pid = w.pidOf("app", 0);
        w.advance(s(5));
        assertThat(w.signalsTo(pid)).containsExactly(Signal.QUIT);
        w.advance(s(3));
        assertThat(w.signalsTo(pid)).containsExactly(Signal.QUIT, Signal.KILL);
        w.kill(pid, Signal.KILL);
        assertThat(w.state("app", 0)).isEqualTo(State.FAILED); // restart: no, and the death is a failure
        assertThat(w.supervision.phase()).isNotEqualTo(Supervision.Phase.RUNNING); // essential: the shutdown began
    }

    @Test
    void aWatchdogThatIsFedKeepsTheInstanceAndOneThatStarvesBreaksIt() {
        w.supervise(plan(FIRST_FAILURE, service("app").restart(RestartPolicy.ALWAYS)
                .ready(systemd(Duration.ZERO, s(5))))).start();
        int pid = w.pidOf("app", 0);
        w.notice("app", 0, Notice.Ready.INSTANCE);
        for (int i = 0; i < 5; i++) {
            w.advance(s(4));
            w.notice("app", 0, new Notice.WatchdogPing());
        }
        assertThat(w.signalsTo(pid)).isEmpty();
        w.notice("app", 0, new Notice.WatchdogUsec(10_000_000)); // the child asks for 10s
        w.advance(s(9));
        assertThat(w.signalsTo(pid)).isEmpty();
        w.advance(s(1));
        assertThat(w.signalsTo(pid)).containsExactly(Signal.TERM);
        w.exit(pid, 0);
        assertThat(deaths().getLast().cause()).isEqualTo(Lifecycle.Cause.WATCHDOG);
        assertThat(w.state("app", 0)).isEqualTo(State.BACKOFF);
    }

    @Test
    void watchdogUsecZeroTurnsTheWatchdogOff() {
        w.supervise(plan(FIRST_FAILURE, service("app").ready(systemd(Duration.ZERO, s(5))))).start();
        w.notice("app", 0, new Notice.WatchdogUsec(0));
        w.advance(s(60));
        assertThat(w.signalsTo(w.pidOf("app", 0))).isEmpty();
    }

    @Test
    void aRestartCheckBreaksTheInstanceAfterItsConsecutiveFailuresOnly() {
        w.supervise(plan(FIRST_FAILURE, service("web").restart(RestartPolicy.ALWAYS)
                .health(check(HealthSpec.Action.RESTART, 3, 1)))).start();
        int pid = w.pidOf("web", 0);
        w.checked("web", 0, 0, Event.Checked.Outcome.FAIL, "503");
        w.checked("web", 0, 0, Event.Checked.Outcome.FAIL, "503");
        w.checked("web", 0, 0, Event.Checked.Outcome.PASS, "200"); // the count starts again
        w.checked("web", 0, 0, Event.Checked.Outcome.FAIL, "503");
        w.checked("web", 0, 0, Event.Checked.Outcome.TIMEOUT, "no answer within 1000ms");
        assertThat(w.signalsTo(pid)).isEmpty();
        assertThat(w.supervision.instances().getFirst().health().getFirst().consecutiveFailures()).isEqualTo(2);
        w.checked("web", 0, 0, Event.Checked.Outcome.FAIL, "503");
        assertThat(w.signalsTo(pid)).containsExactly(Signal.TERM);
        w.kill(pid, Signal.TERM);
        assertThat(deaths().getLast().cause()).isEqualTo(Lifecycle.Cause.HEALTH);
        assertThat(w.state("web", 0)).isEqualTo(State.BACKOFF);
        w.advance(s(1));
        assertThat(w.supervision.instances().getFirst().health().getFirst().passing()).as("a new process starts unknown").isNull();
    }

    @Test
    void anUnreadyCheckTakesTheInstanceOutOfReadyAndBackWithoutARestart() {
        w.supervise(plan(FIRST_FAILURE, service("web").health(check(HealthSpec.Action.UNREADY, 2, 2)))).start();
        int pid = w.pidOf("web", 0);
        assertThat(w.state("web", 0)).isEqualTo(State.READY);
        w.checked("web", 0, 0, Event.Checked.Outcome.FAIL, "503");
        w.checked("web", 0, 0, Event.Checked.Outcome.FAIL, "503");
        assertThat(w.state("web", 0)).isEqualTo(State.RUNNING);
        w.checked("web", 0, 0, Event.Checked.Outcome.PASS, "200");
        assertThat(w.state("web", 0)).as("successes: 2").isEqualTo(State.RUNNING);
        w.checked("web", 0, 0, Event.Checked.Outcome.PASS, "200");
        assertThat(w.state("web", 0)).isEqualTo(State.READY);
        assertThat(w.signalsTo(pid)).isEmpty();
        assertThat(w.spawnCount("web")).isEqualTo(1);
    }

    @Test
    void notifyHealthIsReadyAtTheFirstPassingCheckAndItsFailuresCountOnlyFromThen() {
        w.supervise(plan(FIRST_FAILURE, service("web").health(check(HealthSpec.Action.RESTART, 3, 1))
                .ready(new Readiness(Readiness.Protocol.HEALTH, s(60), Duration.ZERO, 0, null)))).start();
        for (int k = 0; k < 5; k++) { // a slow start: failures before the first pass break nothing
            w.checked("web", 0, 0, Event.Checked.Outcome.FAIL, "connection refused");
        }
        assertThat(w.state("web", 0)).isEqualTo(State.RUNNING);
        assertThat(w.signalsTo(w.pidOf("web", 0))).isEmpty();
        w.checked("web", 0, 0, Event.Checked.Outcome.PASS, "200");
        assertThat(w.state("web", 0)).isEqualTo(State.READY);
        for (int k = 0; k < 3; k++) { // from then on, failures count
            w.checked("web", 0, 0, Event.Checked.Outcome.FAIL, "503");
        }
        assertThat(w.state("web", 0)).isEqualTo(State.STOPPING);
    }

    @Test
    void whatAnEarlierProcessOfTheInstanceSaysIsIgnored() {
        w.supervise(plan(FIRST_FAILURE, service("app").restart(RestartPolicy.ALWAYS)
                .ready(new Readiness(Readiness.Protocol.LOG, s(60), Duration.ZERO, 0, Pattern.compile("up"))))).start();
        int first = w.pidOf("app", 0);
        Ticket old = w.tickets.get(first);
        w.exit(first, 1);
        w.advance(s(1));
        assertThat(w.pidOf("app", 0)).isNotEqualTo(first);
        w.supervision.onNotice(old, Notice.Ready.INSTANCE);
        assertThat(w.state("app", 0)).isEqualTo(State.RUNNING);
        w.notice("app", 0, Notice.Ready.INSTANCE);
        assertThat(w.state("app", 0)).isEqualTo(State.READY);
    }

    @Test
    void theShutdownCancelsReadinessTimersAndABrokenInstanceDyingInItIsNoFailure() {
        w.supervise(plan(FIRST_FAILURE, service("app").ready(systemd(s(5), s(5))))).start();
        int pid = w.pidOf("app", 0);
        w.supervision.onSignal(Signal.TERM);
        assertThat(w.timers.keySet()).noneMatch(t -> t instanceof Timer.ReadyTimeout || t instanceof Timer.Watchdog);
        w.kill(pid, Signal.TERM);
        assertThat(w.supervision.finished()).isTrue();
        assertThat(w.supervision.exitStatus()).isZero();
    }
}
