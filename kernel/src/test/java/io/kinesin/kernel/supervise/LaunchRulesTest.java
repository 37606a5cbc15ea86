package io.kinesin.kernel.supervise;

import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.kinesin.kernel.supervise.FakeWorld.plan;
import static io.kinesin.kernel.supervise.FakeWorld.service;
import static io.kinesin.kernel.supervise.Plan.StatusRule.FIRST_FAILURE;
import static org.assertj.core.api.Assertions.assertThat;

/** Instances a launcher starts, whose pids come later: the rules on the fake world. */
class LaunchRulesTest {

    private final FakeWorld w = new FakeWorld();
    private final List<Order.Answer> answers = new ArrayList<>();

    @Test
    void anInstanceRunsWithoutAPidUntilItsLauncherReportsOneAndIsReadyThen() {
        w.supervise(plan(FIRST_FAILURE, service("rails").launched())).start();
        assertThat(w.state("rails", 0)).isEqualTo(State.RUNNING);
        assertThat(w.supervision.instances().getFirst().pid()).isZero();
        int pid = w.launched("rails", 0);
        assertThat(w.state("rails", 0)).isEqualTo(State.READY);
        assertThat(w.supervision.instances().getFirst().pid()).isEqualTo(pid);
    }

    @Test
    void signalsSentBeforeThePidCameAreSentOnceItComes() {
        w.supervise(plan(FIRST_FAILURE, service("rails").launched())).start();
        w.supervision.onSignal(Signal.HUP);
        w.supervision.onSignal(Signal.TERM);
        assertThat(w.sent).isEmpty();
        assertThat(w.state("rails", 0)).isEqualTo(State.STOPPING);
        int pid = w.launched("rails", 0);
        assertThat(w.signalsTo(pid)).containsExactly(Signal.HUP, Signal.TERM);
        w.kill(pid, Signal.TERM);
        assertThat(w.supervision.finished()).isTrue();
        assertThat(w.supervision.exitStatus()).isZero(); // stopped by kinesin's own TERM
    }

    @Test
    void aFailedLaunchIsAFailedStartThatTheRestartPolicyAnswers() {
        w.supervise(plan(FIRST_FAILURE, service("rails").launched().restart(RestartPolicy.ALWAYS)
                .crashLoop(2, Duration.ofMinutes(1)))).start();
        w.launchFailed("rails", 0, "cannot load config/environment.rb: LoadError");
        assertThat(w.state("rails", 0)).isEqualTo(State.BACKOFF);
        w.advance(Duration.ofSeconds(1));
        w.launchFailed("rails", 0, "again");
        w.advance(Duration.ofSeconds(5));
        w.launchFailed("rails", 0, "and again");
        assertThat(w.state("rails", 0)).isEqualTo(State.FAILED);
        assertThat(w.supervision.instances().getFirst().failure()).startsWith("crash loop: 3 deaths");
        assertThat(w.logText()).contains("cannot launch").contains("error=\"and again\"");
        assertThat(w.supervision.exitStatus()).isEqualTo(Supervision.LAUNCH_FAILED);
    }

    @Test
    void aLaunchedProcessThatDiedBeforeItsPidCameCountsItsExit() {
        w.supervise(plan(FIRST_FAILURE, service("rails").launched())).start();
        int pid = w.launched("rails", 0);
        w.exit(pid, 3);
        assertThat(w.state("rails", 0)).isEqualTo(State.FAILED);
        assertThat(w.supervision.instances().getFirst().lastExit()).isEqualTo(ExitStatus.exited(3));
    }

    @Test
    void restartOfTheServiceReloadsThenReplacesOneInstanceAtATimeEachReadyFirst() {
        w.supervise(plan(FIRST_FAILURE, service("rails").launched().replicas(3)
                .ready(new Readiness(Readiness.Protocol.ACK, Duration.ofSeconds(20), Duration.ZERO, 0, null)))).start();
        int[] old = new int[3];
        for (int k = 0; k < 3; k++) {
            old[k] = w.launched("rails", k);
            w.notice("rails", k, new Notice.Ready());
        }
        w.supervision.order(new Order.Restart(Order.Target.parse("rails")), answers::add);
        assertThat(w.reloads).isEqualTo(1);
        assertThat(w.signalsTo(old[0])).containsExactly(Signal.TERM);
        assertThat(w.signalsTo(old[1])).isEmpty();
        w.kill(old[0], Signal.TERM);
        int new0 = w.launched("rails", 0);
        assertThat(w.signalsTo(old[1])).as("the next old one waits until the new one is ready").isEmpty();
        w.notice("rails", 0, new Notice.Ready());
        assertThat(w.signalsTo(old[1])).containsExactly(Signal.TERM);
        assertThat(w.signalsTo(old[2])).isEmpty();
        w.kill(old[1], Signal.TERM);
        w.launched("rails", 1);
        w.notice("rails", 1, new Notice.Ready());
        w.kill(old[2], Signal.TERM);
        assertThat(answers).isEmpty();
        w.launched("rails", 2);
        w.notice("rails", 2, new Notice.Ready());
        assertThat(answers).hasSize(1);
        assertThat(answers.getFirst().exit()).isZero();
        assertThat(answers.getFirst().lines().getFirst()).isEqualTo("rails.0: restarted from the new code, pid " + new0
                + " (was " + old[0] + "), ready");
        assertThat(w.supervision.phase()).isEqualTo(Supervision.Phase.RUNNING);
    }

    /** Two acking workers, both ready; then kinesin restart rails, and the first old one dies of its TERM: its pids. */
    private int[] rollingTwoAckingWorkers() {
        w.supervise(plan(FIRST_FAILURE, service("rails").launched().replicas(2).restart(RestartPolicy.ALWAYS)
                .ready(new Readiness(Readiness.Protocol.ACK, Duration.ofSeconds(20), Duration.ZERO, 0, null)))).start();
        int[] old = new int[2];
        for (int k = 0; k < 2; k++) {
            old[k] = w.launched("rails", k);
            w.notice("rails", k, new Notice.Ready());
        }
        w.supervision.order(new Order.Restart(Order.Target.parse("rails")), answers::add);
        w.kill(old[0], Signal.TERM);
        return old;
    }

    @Test
    void aNewInstanceThatDiesBeforeItIsReadyEndsTheRollAndTheRestKeepTheOldCode() {
        int[] old = rollingTwoAckingWorkers();
        int old1 = old[1];
        int new0 = w.launched("rails", 0);
        w.exit(new0, 1);
        assertThat(answers).hasSize(1);
        assertThat(answers.getFirst().exit()).isEqualTo(1);
        assertThat(answers.getFirst().lines().get(1)).startsWith("rails.1: not restarted: rails.0 did not become ready");
        assertThat(w.signalsTo(old1)).isEmpty();
    }

    @Test
    void aFailedReloadLeavesEveryInstanceAlone() {
        w.supervise(plan(FIRST_FAILURE, service("rails").launched().replicas(2))).start();
        int a = w.launched("rails", 0);
        int b = w.launched("rails", 1);
        w.reloadError = "SyntaxError in config/environment.rb";
        w.supervision.order(new Order.Restart(Order.Target.parse("rails")), answers::add);
        assertThat(w.sent).isEmpty();
        assertThat(answers.getFirst().exit()).isEqualTo(1);
        assertThat(answers.getFirst().lines()).allMatch(l -> l.contains("SyntaxError"));
        assertThat(w.state("rails", 0)).isEqualTo(State.READY);
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void aLaunchThatFailsDuringTheShutdownLeavesTheExitStatusAlone() {
        w.supervise(plan(FIRST_FAILURE, service("rails").launched())).start();
        w.supervision.onSignal(Signal.TERM);
        w.launchFailed("rails", 0, "kinesin is shutting down; nothing more is started");
        assertThat(w.supervision.finished()).isTrue();
        assertThat(w.supervision.exitStatus()).isZero();
    }

    @Test
    void aReadinessNoticeBeforeThePidMakesTheInstanceReadyOnceThePidComes() {
        w.supervise(plan(FIRST_FAILURE, service("rails").launched()
                .ready(new Readiness(Readiness.Protocol.LOG, Duration.ofSeconds(20), Duration.ZERO, 0, java.util.regex.Pattern.compile("up"))))).start();
        w.supervision.onNotice(w.launching.get("rails.0"), new Notice.Ready());
        assertThat(w.state("rails", 0)).isEqualTo(State.RUNNING);
        int pid = w.launched("rails", 0);
        assertThat(w.state("rails", 0)).isEqualTo(State.READY);
        assertThat(w.logText()).contains("msg=ready service=rails instance=0 pid=" + pid);
    }

    @Test
    void anOperatorsOrderForTheInstanceARollWaitsOnEndsTheRollAndASecondRestartWaitsForTheFirst() {
        int[] old = rollingTwoAckingWorkers();
        int old1 = old[1];
        w.launched("rails", 0); // the new web.0, not ready yet
        List<Order.Answer> second = new ArrayList<>();
        w.supervision.order(new Order.Restart(Order.Target.parse("rails")), second::add);
        assertThat(second.getFirst().exit()).isEqualTo(1);
        assertThat(second.getFirst().lines().getFirst()).contains("a restart of rails is under way");
        assertThat(w.reloads).isEqualTo(1);
        List<Order.Answer> stop = new ArrayList<>();
        w.supervision.order(new Order.Stop(Order.Target.parse("rails.0")), stop::add);
        assertThat(answers).hasSize(1);
        assertThat(answers.getFirst().exit()).isEqualTo(1);
        assertThat(answers.getFirst().lines().get(1)).startsWith("rails.1: not restarted: rails.0 was given an operator's stop");
        assertThat(w.signalsTo(old1)).isEmpty();
        w.supervision.order(new Order.Restart(Order.Target.parse("rails")), second::add);
        assertThat(w.reloads).as("the roll is over: a new restart reloads").isEqualTo(2);
    }
}
