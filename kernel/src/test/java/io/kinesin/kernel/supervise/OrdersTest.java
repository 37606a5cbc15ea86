package io.kinesin.kernel.supervise;

import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.kinesin.kernel.supervise.FakeWorld.plan;
import static io.kinesin.kernel.supervise.FakeWorld.service;
import static io.kinesin.kernel.supervise.Plan.StatusRule.FIRST_FAILURE;
import static org.assertj.core.api.Assertions.assertThat;

/** An operator's orders as the loop carries them out (kinesin restart|stop|start|signal), on the fake world. */
class OrdersTest {

    private final FakeWorld w = new FakeWorld();
    private final List<Order.Answer> answers = new ArrayList<>();

    private void order(Order o) {
        w.supervision.order(o, answers::add);
    }

    private static Order.Target t(String text) {
        return Order.Target.parse(text);
    }

    private Order.Answer last() {
        assertThat(answers).isNotEmpty();
        return answers.getLast();
    }

    @Test
    void restartGivesTheLadderThenANewPidAtOnce() {
        w.supervise(plan(FIRST_FAILURE, service("web"))).start();
        int old = w.pidOf("web", 0);
        order(new Order.Restart(t("web")));
        assertThat(w.signalsTo(old)).containsExactly(Signal.TERM);
        assertThat(w.state("web", 0)).isEqualTo(State.STOPPING);
        assertThat(answers).isEmpty(); // answered once done
        w.advance(Ladder.DEFAULT_TIMEOUT);
        assertThat(w.signalsTo(old)).containsExactly(Signal.TERM, Signal.KILL);
        w.kill(old, Signal.KILL);
        int fresh = w.pidOf("web", 0);
        assertThat(fresh).isNotEqualTo(old);
        assertThat(w.state("web", 0)).isEqualTo(State.READY);
        assertThat(last().exit()).isZero();
        assertThat(last().lines()).containsExactly("web: restarted, pid " + fresh + " (was " + old + ": sent SIGTERM, SIGKILL; it died of SIGKILL)");
        assertThat(w.supervision.phase()).isEqualTo(Supervision.Phase.RUNNING);
        assertThat(w.timers).doesNotContainKey(new Timer.HoldStep("web", 0));
    }

    @Test
    void stopHoldsAnEssentialServiceDownWithoutEndingTheRun() {
        w.supervise(plan(FIRST_FAILURE, service("web").restart(RestartPolicy.ALWAYS), service("db"))).start();
        int pid = w.pidOf("web", 0);
        order(new Order.Stop(t("web")));
        w.kill(pid, Signal.TERM);
        assertThat(w.state("web", 0)).isEqualTo(State.EXITED);
        assertThat(w.supervision.instances().getFirst().held()).isTrue();
        assertThat(last().lines()).containsExactly("web: stopped (pid " + pid + ": sent SIGTERM; it died of SIGTERM); held down");
        assertThat(w.supervision.phase()).isEqualTo(Supervision.Phase.RUNNING);
        w.advance(Duration.ofMinutes(5));
        assertThat(w.spawnCount("web")).isEqualTo(1); // not restarted
    }

    @Test
    void stopHoldsACrashLoopingServiceInBackoffAndStartBringsItBack() {
        w.supervise(plan(FIRST_FAILURE, service("flaky").restart(RestartPolicy.ALWAYS).optional(), service("main"))).start();
        w.exit(w.pidOf("flaky", 0), 1);
        assertThat(w.state("flaky", 0)).isEqualTo(State.BACKOFF);
        order(new Order.Stop(t("flaky")));
        assertThat(w.state("flaky", 0)).isEqualTo(State.EXITED);
        assertThat(w.timers).doesNotContainKey(new Timer.Restart("flaky", 0));
        assertThat(last().exit()).isZero();
        order(new Order.Start(t("flaky")));
        assertThat(w.spawnCount("flaky")).isEqualTo(2);
        assertThat(w.state("flaky", 0)).isEqualTo(State.READY);
        assertThat(last().lines()).containsExactly("flaky: started, pid " + w.pidOf("flaky", 0));
        assertThat(w.supervision.instances().getFirst().held()).isFalse();
    }

    @Test
    void aHeldDeathIsNotCountedForTheExitStatus() {
        w.supervise(plan(FIRST_FAILURE, service("web"), service("db"))).start();
        int web = w.pidOf("web", 0);
        order(new Order.Stop(t("web")));
        w.exit(web, 3); // its TERM handler exits 3
        assertThat(last().exit()).isZero();
        w.exit(w.pidOf("db", 0), 0); // the run ends; web's 3 does not count
        assertThat(w.supervision.finished()).isTrue();
        assertThat(w.supervision.exitStatus()).isZero();
    }

    @Test
    void kinesinKeepsRunningWhileEverythingIsHeld() {
        w.supervise(plan(FIRST_FAILURE, service("only"))).start();
        order(new Order.Stop(t("only")));
        w.kill(w.pidOf("only", 0), Signal.TERM);
        assertThat(w.supervision.phase()).isEqualTo(Supervision.Phase.RUNNING);
        order(new Order.Start(t("only")));
        assertThat(w.spawnCount("only")).isEqualTo(2);
    }

    @Test
    void signalReachesTheNamedInstanceOnlyAsForwardingWould() {
        w.supervise(plan(FIRST_FAILURE, service("worker").replicas(3))).start();
        order(new Order.Send(Signal.HUP, t("worker.1")));
        assertThat(w.sent).containsExactly(new FakeWorld.Sent(w.pidOf("worker", 1), Signal.HUP, true));
        order(new Order.Send(Signal.USR1, t("worker.2"))); // the plan rewrites USR1 to USR2
        assertThat(w.sent.getLast()).isEqualTo(new FakeWorld.Sent(w.pidOf("worker", 2), Signal.USR2, true));
        assertThat(last().lines()).containsExactly("worker.2: sent SIGUSR2 (rewritten from SIGUSR1) to pid " + w.pidOf("worker", 2)
                + " and its process group");
        w.kill(w.pidOf("worker", 2), Signal.USR2);
        assertThat(w.state("worker", 2)).isEqualTo(State.FAILED); // not a stop: a death like any other
    }

    @Test
    void anOrderForEveryInstanceIsAnsweredOnceAllAreDone() {
        w.supervise(plan(FIRST_FAILURE, service("worker").replicas(2))).start();
        int a = w.pidOf("worker", 0);
        int b = w.pidOf("worker", 1);
        order(new Order.Restart(t("worker")));
        w.kill(a, Signal.TERM);
        assertThat(answers).isEmpty();
        w.kill(b, Signal.TERM);
        assertThat(last().lines()).hasSize(2).allMatch(l -> l.contains("restarted"));
    }

    @Test
    void unknownServicesAndInstancesAreNamed() {
        w.supervise(plan(FIRST_FAILURE, service("web").replicas(2))).start();
        order(new Order.Stop(t("wbe")));
        assertThat(last().exit()).isEqualTo(2);
        assertThat(last().lines().getFirst()).contains("no service \"wbe\"").contains("services: web");
        order(new Order.Stop(t("web.2")));
        assertThat(last().exit()).isEqualTo(2);
        assertThat(last().lines().getFirst()).contains("web.0 to web.1");
    }

    @Test
    void theShutdownOvertakesAnOrderUnderway() {
        w.supervise(plan(FIRST_FAILURE, service("web"))).start();
        int pid = w.pidOf("web", 0);
        order(new Order.Restart(t("web")));
        w.supervision.onSignal(Signal.TERM);
        assertThat(last().exit()).isEqualTo(1);
        assertThat(last().lines().getFirst()).contains("shutting down");
        w.kill(pid, Signal.TERM);
        assertThat(w.supervision.finished()).isTrue();
        assertThat(w.spawnCount("web")).isEqualTo(1);
        order(new Order.Start(t("web")));
        assertThat(last().exit()).isEqualTo(1);
    }

    @Test
    void aProcessThatOutlivesTheLadderIsLeftAndHeld() {
        w.supervise(plan(FIRST_FAILURE, service("stubborn"), service("other"))).start();
        order(new Order.Stop(t("stubborn")));
        w.advance(Ladder.DEFAULT_TIMEOUT.multipliedBy(2));
        assertThat(last().exit()).isEqualTo(1);
        assertThat(last().lines().getFirst()).contains("still alive after the last ladder step");
        assertThat(w.state("stubborn", 0)).isEqualTo(State.EXITED);
        assertThat(w.supervision.phase()).isEqualTo(Supervision.Phase.RUNNING);
    }

    @Test
    void aStartWhileTheStopsLadderRunsRestartsItAndAnswersBoth() {
        w.supervise(plan(FIRST_FAILURE, service("web"))).start();
        int old = w.pidOf("web", 0);
        order(new Order.Stop(t("web")));
        order(new Order.Start(t("web")));
        assertThat(answers).isEmpty();
        w.kill(old, Signal.TERM);
        assertThat(answers).hasSize(2).allSatisfy(a -> assertThat(a.lines().getFirst()).contains("restarted, pid " + w.pidOf("web", 0)));
        assertThat(w.supervision.instances().getFirst().held()).isFalse();
    }

    @Test
    void aDependencyHeldBeforeItStartedKeepsItsDependentsWaitingUntilItIsStarted() {
        w.supervise(plan(FIRST_FAILURE, service("db").dependsOn("init", Condition.COMPLETED),
                service("init").optional(), service("app").dependsOn("db", Condition.STARTED))).start();
        order(new Order.Stop(t("db"))); // still waiting for init
        assertThat(w.state("db", 0)).isEqualTo(State.EXITED);
        w.exit(w.pidOf("init", 0), 0);
        assertThat(w.state("app", 0)).isEqualTo(State.STARTING);
        assertThat(w.supervision.phase()).isEqualTo(Supervision.Phase.RUNNING);
        order(new Order.Start(t("db")));
        assertThat(w.state("db", 0)).isEqualTo(State.READY);
        assertThat(w.state("app", 0)).isEqualTo(State.READY);
    }

    @Test
    void targetsParse() {
        assertThat(Order.Target.parse("web")).isEqualTo(new Order.Target("web", -1));
        assertThat(Order.Target.parse("web.2")).isEqualTo(new Order.Target("web", 2));
        assertThat(Order.Target.parse("api.v2")).isEqualTo(new Order.Target("api.v2", -1));
    }
}
