package io.kinesin.kernel.health;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.metrics.Counters;
import io.kinesin.kernel.supervise.Event;
import io.kinesin.kernel.supervise.HealthSpec;
import io.kinesin.kernel.supervise.Ticket;
import io.kinesin.spi.HealthCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kernel's side of health checks with checks of its own making (the seam): results reach
 * the loop as events, the kernel's deadline wins over a check that hangs, and checks of one
 * instance never overlap. The shipped kinds are tested against real targets in the probes plugin.
 */
class HealthChecksTest {

    private final LinkedBlockingQueue<Event.Checked> results = new LinkedBlockingQueue<>();
    private final Counters counters = new Counters();
    private HealthChecks checks;

    @AfterEach
    void close() {
        if (checks != null) {
            checks.close();
        }
    }

    private static HealthSpec every(Duration every, Duration timeout) {
        return new HealthSpec("fake", every, timeout, Duration.ZERO, 3, 1, HealthSpec.Action.RESTART);
    }

    private Ticket start(HealthCheck check, HealthSpec spec) {
        checks = new HealthChecks(Map.of("web", List.of(new HealthChecks.Entry(spec, check, "test"))), results::add,
                new Log(Log.Format.LOGFMT, Log.Level.DEBUG, new ByteArrayOutputStream()), counters);
        Ticket t = new Ticket("web", 0);
        checks.start(t, new HealthCheck.Target("web", 0, 42, Map.of(), null));
        return t;
    }

    private Event.Checked next() throws InterruptedException {
        Event.Checked c = results.poll(10, TimeUnit.SECONDS);
        assertThat(c).as("a result within 10s").isNotNull();
        return c;
    }

    @Test
    void passesAndFailuresGoToTheLoopWithTheirDetail() throws Exception {
        AtomicInteger n = new AtomicInteger();
        Ticket t = start((target, deadline) -> n.incrementAndGet() % 2 == 1 ? HealthCheck.Result.pass("200")
                : HealthCheck.Result.fail("503"), every(Duration.ofMillis(20), Duration.ofSeconds(1)));
        Event.Checked first = next();
        assertThat(first.ticket()).isSameAs(t);
        assertThat(first.outcome()).isEqualTo(Event.Checked.Outcome.PASS);
        assertThat(first.detail()).isEqualTo("200");
        assertThat(next().outcome()).isEqualTo(Event.Checked.Outcome.FAIL);
        assertThat(counters.value("kinesin_health_checks_total", "web", "fake", "pass")).isGreaterThanOrEqualTo(1);
        assertThat(counters.value("kinesin_health_checks_total", "web", "fake", "fail")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void anExceptionIsAFailureWithItsMessage() throws Exception {
        start((target, deadline) -> {
            throw new java.io.IOException("connection refused");
        }, every(Duration.ofMillis(50), Duration.ofSeconds(1)));
        Event.Checked c = next();
        assertThat(c.outcome()).isEqualTo(Event.Checked.Outcome.FAIL);
        assertThat(c.detail()).isEqualTo("connection refused");
    }

    @Test
    void aCheckThatHangsIsATimeoutAtTheKernelsDeadlineAndTheNextPeriodsDoNotOverlapIt() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch never = new CountDownLatch(1);
        start((target, deadline) -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            try {
                while (true) {
                    try {
                        never.await(); // deaf to interrupts, as a badly written plugin is
                    } catch (InterruptedException ignored) {
                        // keeps hanging
                    }
                }
            } finally {
                running.decrementAndGet();
            }
        }, every(Duration.ofMillis(100), Duration.ofMillis(50)));
        long start = System.nanoTime();
        Event.Checked first = next();
        assertThat(first.outcome()).isEqualTo(Event.Checked.Outcome.TIMEOUT);
        assertThat(first.detail()).isEqualTo("no answer within 50ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        Event.Checked second = next();
        assertThat(second.outcome()).isEqualTo(Event.Checked.Outcome.TIMEOUT);
        assertThat(second.detail()).isEqualTo("still no answer from the last check");
        assertThat(most.get()).as("never two checks of one instance at once").isEqualTo(1);
        assertThat(counters.value("kinesin_plugin_errors_total", "test")).as("a check past the kernel's deadline is its plugin's error")
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void stoppedChecksSayNothingMore() throws Exception {
        Ticket t = start((target, deadline) -> HealthCheck.Result.pass("ok"), every(Duration.ofMillis(20), Duration.ofSeconds(1)));
        next();
        checks.stop(t);
        results.clear();
        assertThat(results.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }
}
