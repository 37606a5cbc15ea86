package io.kinesin.kernel.hooks;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.metrics.Counters;
import io.kinesin.kernel.supervise.Lifecycle;
import io.kinesin.kernel.supervise.State;
import io.kinesin.spi.Death;
import io.kinesin.spi.DeathHook;
import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kernel's side of hooks, with hooks of its own making (the seam): which deaths a hook
 * hears of, one call at a time with later deaths coalesced, the kernel's deadline over a hung
 * hook, and the counts. The shipped kinds are tested with real processes and receivers in the
 * alert-hooks plugin and end to end.
 */
class HooksTest {

    private final Counters counters = new Counters();
    private final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    private final Log log = new Log(Log.Format.LOGFMT, Log.Level.DEBUG, logBytes);

    private static Lifecycle.Died died(ExitStatus status, Lifecycle.Cause cause, boolean willRestart, State state) {
        return new Lifecycle.Died("web", 1, 4242, status, cause, 2, willRestart, state, Instant.EPOCH);
    }

    @Test
    void whenDecidesWhichDeathsAHookHearsOf() {
        Lifecycle.Died crash = died(ExitStatus.exited(3), Lifecycle.Cause.EXIT, true, State.BACKOFF);
        Lifecycle.Died clean = died(ExitStatus.exited(0), Lifecycle.Cause.EXIT, false, State.EXITED);
        Lifecycle.Died killed = died(ExitStatus.killed(Signal.KILL), Lifecycle.Cause.SIGNAL, true, State.BACKOFF);
        Lifecycle.Died stopped = died(ExitStatus.killed(Signal.TERM), Lifecycle.Cause.STOPPED, false, State.EXITED);
        Lifecycle.Died unhealthy = died(ExitStatus.killed(Signal.TERM), Lifecycle.Cause.HEALTH, true, State.BACKOFF);
        Lifecycle.Died gaveUp = died(ExitStatus.exited(1), Lifecycle.Cause.EXIT, false, State.FAILED);

        assertThat(List.of(crash, clean, killed, stopped, unhealthy, gaveUp)).allMatch(d -> Hooks.heard(Hooks.When.ALWAYS, d));
        assertThat(List.of(crash, killed, unhealthy, gaveUp)).allMatch(d -> Hooks.heard(Hooks.When.FAILURE, d));
        assertThat(List.of(clean, stopped)).noneMatch(d -> Hooks.heard(Hooks.When.FAILURE, d));
        assertThat(List.of(clean, stopped, gaveUp)).allMatch(d -> Hooks.heard(Hooks.When.FINAL, d));
        assertThat(List.of(crash, killed, unhealthy)).noneMatch(d -> Hooks.heard(Hooks.When.FINAL, d));
        assertThat(List.of(gaveUp)).allMatch(d -> Hooks.heard(Hooks.When.FAILED, d));
        assertThat(List.of(crash, clean, killed, stopped, unhealthy)).noneMatch(d -> Hooks.heard(Hooks.When.FAILED, d));
    }

    @Test
    void deathsDuringACallAreCoalescedIntoTheNextCallAndCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        LinkedBlockingQueue<Death> calls = new LinkedBlockingQueue<>();
        DeathHook slow = death -> {
            calls.add(death);
            release.await(10, TimeUnit.SECONDS);
        };
        Hooks hooks = new Hooks(Map.of("web", List.of(new Hooks.Entry("exec", Hooks.When.ALWAYS, Duration.ofSeconds(30), slow, "test"))),
                List.of(), log, counters);
        for (int i = 1; i <= 100; i++) {
            hooks.on(new Lifecycle.Died("web", 0, 1000 + i, ExitStatus.exited(1), Lifecycle.Cause.EXIT, i, true, State.BACKOFF, Instant.EPOCH));
        }
        Death first = calls.poll(10, TimeUnit.SECONDS);
        assertThat(first.pid()).isEqualTo(1001);
        assertThat(first.coalesced()).isZero();
        release.countDown();
        Death second = calls.poll(10, TimeUnit.SECONDS);
        assertThat(second.pid()).as("the latest death").isEqualTo(1100);
        assertThat(second.coalesced()).as("98 deaths folded into it").isEqualTo(98);
        assertThat(calls.poll(300, TimeUnit.MILLISECONDS)).as("no third call").isNull();
        assertThat(counters.value("kinesin_hooks_total", "web", "exec", "coalesced")).isEqualTo(98);
        awaitCount("web", "exec", "ok", 2);
    }

    @Test
    void aHookThatHangsIsGivenUpOnAfterItsTimeoutAndTheNextDeathStillGetsACall() throws Exception {
        LinkedBlockingQueue<Death> calls = new LinkedBlockingQueue<>();
        DeathHook hangs = death -> {
            calls.add(death);
            if (death.pid() == 1) {
                new CountDownLatch(1).await(); // interrupted when the kernel gives up
            }
        };
        Hooks hooks = new Hooks(Map.of("web", List.of(new Hooks.Entry("webhook", Hooks.When.ALWAYS, Duration.ofMillis(100), hangs, "test"))),
                List.of(), log, counters);
        hooks.on(new Lifecycle.Died("web", 0, 1, ExitStatus.exited(1), Lifecycle.Cause.EXIT, 1, true, State.BACKOFF, Instant.EPOCH));
        awaitCount("web", "webhook", "timeout", 1);
        hooks.on(new Lifecycle.Died("web", 0, 2, ExitStatus.exited(1), Lifecycle.Cause.EXIT, 2, true, State.BACKOFF, Instant.EPOCH));
        awaitCount("web", "webhook", "ok", 1);
        assertThat(calls).extracting(Death::pid).containsExactly(1L, 2L);
        assertThat(logBytes.toString(StandardCharsets.UTF_8)).contains("msg=\"hook failed\" service=web hook=webhook result=timeout");
        assertThat(counters.value("kinesin_plugin_errors_total", "test")).as("a hung hook is its plugin's error").isEqualTo(1);
    }

    @Test
    void onExitHooksRunOnceWithTheStatusAndReasonAndAFailureIsCounted() throws Exception {
        LinkedBlockingQueue<String> exits = new LinkedBlockingQueue<>();
        DeathHook ok = new DeathHook() {
            @Override
            public void onDeath(Death death) {
            }

            @Override
            public void onExit(int status, String reason) {
                exits.add(status + " " + reason);
            }
        };
        DeathHook broken = new DeathHook() {
            @Override
            public void onDeath(Death death) {
            }

            @Override
            public void onExit(int status, String reason) throws Exception {
                throw new java.io.IOException("connection refused");
            }
        };
        Hooks hooks = new Hooks(Map.of(), List.of(new Hooks.Entry("exec", null, Duration.ofSeconds(2), ok, "test"),
                new Hooks.Entry("webhook", null, Duration.ofSeconds(5), broken, "test")), log, counters);
        assertThat(hooks.exitBudget()).isEqualTo(Duration.ofSeconds(5).plus(Hooks.GRACE));
        hooks.exit(143, "signal TERM").get(10, TimeUnit.SECONDS);
        assertThat(exits).containsExactly("143 signal TERM");
        assertThat(counters.value("kinesin_hooks_total", "on-exit", "exec", "ok")).isEqualTo(1);
        assertThat(counters.value("kinesin_hooks_total", "on-exit", "webhook", "error")).isEqualTo(1);
    }

    /** Waits (10 s at most) until the hook's count of this result reaches n. */
    private void awaitCount(String service, String hook, String result, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counters.value("kinesin_hooks_total", service, hook, result) < n) {
            assertThat(System.nanoTime()).as("%s %s %s reached %d", service, hook, result, n).isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
