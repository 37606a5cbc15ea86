package io.kinesin.kernel.supervise;

import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.kinesin.kernel.supervise.FakeWorld.plan;
import static io.kinesin.kernel.supervise.FakeWorld.service;
import static io.kinesin.kernel.supervise.Plan.StatusRule.FIRST_FAILURE;
import static io.kinesin.kernel.supervise.Plan.StatusRule.ONLY_CHILD;
import static org.assertj.core.api.Assertions.assertThat;

/** The supervisor's rules, driven by synthetic events on a manual clock: no processes. */
class SupervisionTest {

    private final FakeWorld w = new FakeWorld();

    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    @Test
    void startSpawnsEveryInstanceAndTheyAreReady() {
        w.supervise(plan(FIRST_FAILURE, service("web").replicas(3), service("worker"))).start();
        assertThat(w.spawned).extracting(FakeWorld.Spawned::service).containsExactly("web", "web", "web", "worker");
        assertThat(w.spawned).extracting(FakeWorld.Spawned::instance).containsExactly(0, 1, 2, 0);
        assertThat(w.supervision.instances()).allMatch(v -> v.state() == State.READY);
    }

    @Test
    void onFailureRestartsWithExponentialBackoffUpToTheMax() {
        Backoff b = new Backoff(ms(100), ms(500), 2, Duration.ofSeconds(60));
        w.supervise(plan(FIRST_FAILURE, service("app").restart(RestartPolicy.ON_FAILURE).backoff(b).crashLoop(100, Duration.ofSeconds(1)))).start();
        Timer restart = new Timer.Restart("app", 0);
        for (long expected : new long[] {100, 200, 400, 500, 500}) {
            w.exit(w.pidOf("app", 0), 1);
            assertThat(w.state("app", 0)).isEqualTo(State.BACKOFF);
            assertThat(w.pendingDelay(restart)).isEqualTo(ms(expected));
            int before = w.spawnCount("app");
            w.advance(ms(expected - 1));
            assertThat(w.spawnCount("app")).isEqualTo(before);
            w.advance(ms(1));
            assertThat(w.spawnCount("app")).isEqualTo(before + 1);
            assertThat(w.state("app", 0)).isEqualTo(State.READY);
        }
        assertThat(w.supervision.instances().getFirst().restarts()).isEqualTo(5);
    }

    @Test
    void aLongRunResetsTheBackoff() {
        Backoff b = new Backoff(ms(100), Duration.ofSeconds(30), 2, Duration.ofSeconds(10));
        w.supervise(plan(FIRST_FAILURE, service("app").restart(RestartPolicy.ALWAYS).backoff(b))).start();
        Timer restart = new Timer.Restart("app", 0);
        w.exit(w.pidOf("app", 0), 1);
        w.advance(ms(100));
        w.exit(w.pidOf("app", 0), 1);
        assertThat(w.pendingDelay(restart)).isEqualTo(ms(200));
        w.advance(ms(200));
        w.advance(Duration.ofSeconds(11));
        w.exit(w.pidOf("app", 0), 0);
        assertThat(w.pendingDelay(restart)).as("ran 11s > reset-after").isEqualTo(ms(100));
    }

    @Test
    void aZeroBackoffRestartsAtOnce() {
        Backoff zero = new Backoff(Duration.ZERO, Duration.ZERO, 2, Duration.ofSeconds(60));
        w.supervise(plan(FIRST_FAILURE, service("app").restart(RestartPolicy.ALWAYS).backoff(zero).crashLoop(1_000_000, ms(1)))).start();
        for (int i = 0; i < 50; i++) {
            w.exit(w.pidOf("app", 0), 0);
        }
        assertThat(w.spawnCount("app")).isEqualTo(51);
        assertThat(w.timers).isEmpty();
        assertThat(w.state("app", 0)).isEqualTo(State.READY);
    }

    @Test
    void onFailureDoesNotRestartASuccessNorARemappedCode() {
        w.supervise(plan(FIRST_FAILURE, Map.of(143, 0), service("a").restart(RestartPolicy.ON_FAILURE).optional(),
                service("b").restart(RestartPolicy.ON_FAILURE).optional(), service("keep"))).start();
        w.exit(w.pidOf("a", 0), 0);
        w.kill(w.pidOf("b", 0), Signal.TERM);
        assertThat(w.state("a", 0)).isEqualTo(State.EXITED);
        assertThat(w.state("b", 0)).as("143 is remapped to 0: a success").isEqualTo(State.EXITED);
        assertThat(w.spawnCount("a")).isEqualTo(1);
        assertThat(w.spawnCount("b")).isEqualTo(1);
    }

    @Test
    void aCrashLoopFailsTheInstanceAndAnEssentialOneStopsEverything() {
        w.supervise(plan(FIRST_FAILURE, service("crash").restart(RestartPolicy.ALWAYS).crashLoop(3, Duration.ofSeconds(10)),
                service("other"))).start();
        for (int death = 1; death <= 3; death++) {
            w.exit(w.pidOf("crash", 0), 4);
            w.advance(Duration.ofSeconds(1));
            assertThat(w.state("crash", 0)).isEqualTo(State.READY);
        }
        w.exit(w.pidOf("crash", 0), 4);
        assertThat(w.state("crash", 0)).isEqualTo(State.FAILED);
        assertThat(w.supervision.instances().getFirst().failure()).contains("crash loop: 4 deaths within 10s");
        int other = w.pidOf("other", 0);
        assertThat(w.signalsTo(other)).containsExactly(Signal.TERM);
        w.kill(other, Signal.TERM);
        assertThat(w.supervision.finished()).isTrue();
        assertThat(w.supervision.exitStatus()).isEqualTo(4);
        assertThat(w.logText()).contains("msg=failed service=crash instance=0 reason=\"crash loop: 4 deaths within 10s\"");
    }

    @Test
    void deathsOutsideTheWindowDoNotCount() {
        w.supervise(plan(FIRST_FAILURE, service("app").restart(RestartPolicy.ALWAYS).crashLoop(2, Duration.ofSeconds(5)))).start();
        for (int i = 0; i < 10; i++) {
            w.exit(w.pidOf("app", 0), 1);
            w.advance(Duration.ofSeconds(3));
        }
        assertThat(w.state("app", 0)).isEqualTo(State.READY);
    }

    @Test
    void theFirstFailureInEndOrderIsTheStatus() {
        // A exits 3, then B exits 5 on TERM: 3
        assertThat(run(List.of(3), 5)).isEqualTo(3);
        // A exits 0, then B exits 6 on TERM: 6
        assertThat(run(List.of(0), 6)).isEqualTo(6);
        // A exits 0, B dies of the ladder's TERM: 0
        assertThat(run(List.of(0), -15)).isZero();
    }

    private static int run(List<Integer> aCodes, int bOnTerm) {
        FakeWorld w = new FakeWorld();
        w.supervise(plan(FIRST_FAILURE, service("a"), service("b"))).start();
        w.exit(w.pidOf("a", 0), aCodes.getFirst());
        int b = w.pidOf("b", 0);
        assertThat(w.signalsTo(b)).containsExactly(Signal.TERM);
        if (bOnTerm < 0) {
            w.kill(b, new Signal(-bOnTerm));
        } else {
            w.exit(b, bOnTerm);
        }
        return w.supervision.exitStatus();
    }

    @Test
    void kinesinsOwnTermStopsEverythingAndLadderDeathsAreNoFailure() {
        w.supervise(plan(FIRST_FAILURE, service("a"), service("b"))).start();
        w.supervision.onSignal(Signal.TERM);
        w.kill(w.pidOf("a", 0), Signal.TERM);
        w.exit(w.pidOf("b", 0), 0);
        assertThat(w.supervision.exitStatus()).isZero();
    }

    @Test
    void theOnlyChildsStatusIsKinesinsEvenWhenTheLadderKilledIt() {
        w.supervise(plan(ONLY_CHILD, service("child"))).start();
        w.supervision.onSignal(Signal.TERM);
        w.kill(w.pidOf("child", 0), Signal.TERM);
        assertThat(w.supervision.exitStatus()).isEqualTo(143);
    }

    @Test
    void aChildThatIgnoresTermGetsKillAfterTheTimeout() {
        w.supervise(plan(ONLY_CHILD, service("child"))).start();
        int pid = w.pidOf("child", 0);
        w.supervision.onSignal(Signal.TERM);
        w.advance(Ladder.DEFAULT_TIMEOUT.minusMillis(1));
        assertThat(w.signalsTo(pid)).containsExactly(Signal.TERM);
        w.advance(ms(1));
        assertThat(w.signalsTo(pid)).containsExactly(Signal.TERM, Signal.KILL);
        w.kill(pid, Signal.KILL);
        assertThat(w.supervision.exitStatus()).isEqualTo(137);
    }

    @Test
    void aSecondTermSkipsToTheNextStep() {
        w.supervise(plan(ONLY_CHILD, service("child"))).start();
        int pid = w.pidOf("child", 0);
        w.supervision.onSignal(Signal.TERM);
        w.supervision.onSignal(Signal.TERM);
        assertThat(w.signalsTo(pid)).containsExactly(Signal.TERM, Signal.KILL);
    }

    @Test
    void intIsForwardedAndTheLadderFollowsAfterTheTimeout() {
        w.supervise(plan(FIRST_FAILURE, service("a"))).start();
        int pid = w.pidOf("a", 0);
        w.supervision.onSignal(Signal.INT);
        assertThat(w.signalsTo(pid)).containsExactly(Signal.INT);
        w.advance(Ladder.DEFAULT_TIMEOUT);
        assertThat(w.signalsTo(pid)).containsExactly(Signal.INT, Signal.TERM);
        w.kill(pid, Signal.INT);
        assertThat(w.supervision.exitStatus()).as("a death by the forwarded INT is kinesin's doing").isZero();
    }

    @Test
    void afterTheLastStepKinesinGivesUpAndFinishes() {
        w.supervise(plan(ONLY_CHILD, service("child"))).start();
        w.supervision.onSignal(Signal.TERM);
        w.advance(Ladder.DEFAULT_TIMEOUT.multipliedBy(2));
        assertThat(w.supervision.finished()).isTrue();
        assertThat(w.logText()).contains("still alive after the last ladder step");
    }

    @Test
    void otherSignalsAreForwardedRewrittenOrDropped() {
        w.supervise(plan(FIRST_FAILURE, service("a").replicas(2))).start();
        w.supervision.onSignal(Signal.HUP);
        w.supervision.onSignal(Signal.USR1);
        w.supervision.onSignal(Signal.WINCH);
        w.supervision.onSignal(Signal.USR2); // not in the forwarded set
        assertThat(w.signalsTo(w.pidOf("a", 0))).containsExactly(Signal.HUP, Signal.USR2);
        assertThat(w.signalsTo(w.pidOf("a", 1))).containsExactly(Signal.HUP, Signal.USR2);
        assertThat(w.sent).allMatch(FakeWorld.Sent::group);
    }

    @Test
    void dependentsStopBeforeWhatTheyDependOn() {
        w.supervise(plan(FIRST_FAILURE, service("db"), service("web").dependsOn("db", Condition.STARTED),
                service("proxy").dependsOn("web", Condition.READY))).start();
        int db = w.pidOf("db", 0);
        int web = w.pidOf("web", 0);
        int proxy = w.pidOf("proxy", 0);
        w.supervision.onSignal(Signal.TERM);
        assertThat(w.sent).extracting(FakeWorld.Sent::pid).containsExactly(proxy);
        w.kill(proxy, Signal.TERM);
        assertThat(w.sent).extracting(FakeWorld.Sent::pid).containsExactly(proxy, web);
        w.kill(web, Signal.TERM);
        assertThat(w.sent).extracting(FakeWorld.Sent::pid).containsExactly(proxy, web, db);
        w.exit(db, 0);
        assertThat(w.supervision.exitStatus()).isZero();
    }

    @Test
    void eachServiceUsesItsOwnLadder() {
        Ladder quit = new Ladder(List.of(Signal.QUIT, Signal.TERM, Signal.KILL), ms(500));
        w.supervise(plan(FIRST_FAILURE, service("nginx").stop(quit))).start();
        int pid = w.pidOf("nginx", 0);
        w.supervision.onSignal(Signal.TERM);
        w.advance(ms(500));
        assertThat(w.signalsTo(pid)).containsExactly(Signal.QUIT, Signal.TERM);
        w.advance(ms(500));
        assertThat(w.signalsTo(pid)).containsExactly(Signal.QUIT, Signal.TERM, Signal.KILL);
    }

    @Test
    void aOneShotTaskGatesItsDependents() {
        w.supervise(plan(FIRST_FAILURE, service("migrate").optional(), service("web").dependsOn("migrate", Condition.COMPLETED))).start();
        assertThat(w.spawnCount("web")).isZero();
        assertThat(w.state("web", 0)).isEqualTo(State.STARTING);
        w.exit(w.pidOf("migrate", 0), 0);
        assertThat(w.spawnCount("web")).isEqualTo(1);
        assertThat(w.supervision.finished()).isFalse();
    }

    @Test
    void aFailedOneShotTaskStopsTheContainerWithItsStatus() {
        w.supervise(plan(FIRST_FAILURE, service("migrate").optional(), service("web").dependsOn("migrate", Condition.COMPLETED),
                service("sidecar"))).start();
        w.exit(w.pidOf("migrate", 0), 3);
        assertThat(w.spawnCount("web")).isZero();
        assertThat(w.state("web", 0)).isEqualTo(State.FAILED);
        w.kill(w.pidOf("sidecar", 0), Signal.TERM);
        assertThat(w.supervision.exitStatus()).isEqualTo(3);
        assertThat(w.logText()).contains("reason=\"dependency migrate failed\"");
    }

    @Test
    void aNonEssentialEndLeavesTheRestRunning() {
        w.supervise(plan(FIRST_FAILURE, service("cron").optional(), service("web"))).start();
        w.exit(w.pidOf("cron", 0), 1);
        assertThat(w.state("cron", 0)).isEqualTo(State.FAILED);
        assertThat(w.state("web", 0)).isEqualTo(State.READY);
        assertThat(w.sent).isEmpty();
    }

    @Test
    void whenNothingIsLeftKinesinFinishes() {
        w.supervise(plan(FIRST_FAILURE, service("a").optional(), service("b").optional())).start();
        w.exit(w.pidOf("a", 0), 0);
        w.exit(w.pidOf("b", 0), 2);
        assertThat(w.supervision.exitStatus()).as("with no essential service, every failure counts").isEqualTo(2);
    }

    @Test
    void aReplicaKeepsItsNumberWhenRestarted() {
        Backoff zero = new Backoff(Duration.ZERO, Duration.ZERO, 1, Duration.ZERO);
        w.supervise(plan(FIRST_FAILURE, service("worker").replicas(3).restart(RestartPolicy.ALWAYS).backoff(zero))).start();
        int old = w.pidOf("worker", 1);
        w.exit(old, 1);
        assertThat(w.pidOf("worker", 1)).isNotEqualTo(old);
        assertThat(w.spawned.getLast().instance()).isEqualTo(1);
    }

    @Test
    void aProgramThatCannotRunIsADeathWith127AndRestartsOnlyThroughTheTimer() {
        w.unrunnable.add("ghost");
        Backoff zero = new Backoff(Duration.ZERO, Duration.ZERO, 1, Duration.ZERO);
        w.supervise(plan(FIRST_FAILURE, service("ghost").restart(RestartPolicy.ALWAYS).backoff(zero).crashLoop(3, Duration.ofSeconds(10)))).start();
        assertThat(w.state("ghost", 0)).isEqualTo(State.BACKOFF);
        w.advance(Duration.ZERO);
        w.advance(Duration.ZERO);
        w.advance(Duration.ZERO);
        assertThat(w.state("ghost", 0)).isEqualTo(State.FAILED);
        assertThat(w.supervision.exitStatus()).isEqualTo(127);
        assertThat(w.logText()).contains("cannot execute ghost");
    }

    @Test
    void orphansGetTheGlobalLadderLast() {
        w.supervise(plan(ONLY_CHILD, service("child"))).start();
        w.orphans.add(999);
        w.exit(w.pidOf("child", 0), 0);
        assertThat(w.supervision.phase()).isEqualTo(Supervision.Phase.ORPHANS);
        assertThat(w.signalsTo(999)).containsExactly(Signal.TERM);
        w.advance(Ladder.DEFAULT_TIMEOUT);
        assertThat(w.signalsTo(999)).containsExactly(Signal.TERM, Signal.KILL);
        assertThat(w.sent).filteredOn(s -> s.pid() == 999).noneMatch(FakeWorld.Sent::group);
        w.die(999, io.kinesin.spi.ExitStatus.killed(Signal.KILL));
        assertThat(w.supervision.finished()).isTrue();
        assertThat(w.supervision.exitStatus()).isZero();
    }

    @Test
    void backoffTimersAreCancelledByTheShutdown() {
        w.supervise(plan(FIRST_FAILURE, service("app").restart(RestartPolicy.ALWAYS).optional(), service("web"))).start();
        w.exit(w.pidOf("app", 0), 1);
        assertThat(w.timers).containsKey(new Timer.Restart("app", 0));
        w.supervision.onSignal(Signal.TERM);
        assertThat(w.timers).doesNotContainKey(new Timer.Restart("app", 0));
        assertThat(w.state("app", 0)).isEqualTo(State.EXITED);
        w.kill(w.pidOf("web", 0), Signal.TERM);
        assertThat(w.supervision.exitStatus()).isZero();
    }
}
