package io.kinesin.spi.contract;

import io.kinesin.spi.HealthCheck;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * What every {@link HealthCheck} must do: answer within the deadline it is given, whether its
 * target answers or not, again and again on the same object, and close idempotently. Extend it
 * with a target the test starts (a server, a command).
 */
public abstract class HealthCheckContract {

    /** A check of a target that is up and passes (a server this test started). */
    protected abstract HealthCheck newPassingCheck() throws Exception;

    /**
     * A check of a target that never answers: a server that accepts and then says nothing, a
     * command that sleeps. The check must give up by itself at its deadline.
     */
    protected abstract HealthCheck newSilentCheck() throws Exception;

    /** The instance checked; by default this JVM as instance 0 of {@code web}. */
    protected HealthCheck.Target target() {
        return new HealthCheck.Target("web", 0, ProcessHandle.current().pid(), Map.of("KINESIN_SERVICE", "web"), null);
    }

    /** The deadline the tests give a passing check: generous, a check of a live target is quick. */
    protected Duration passingDeadline() {
        return Duration.ofSeconds(5);
    }

    @Test
    void aLiveTargetPassesWithinTheDeadline() throws Exception {
        try (HealthCheck check = newPassingCheck()) {
            Duration deadline = passingDeadline();
            HealthCheck.Result result = assertTimeoutPreemptively(Deadlines.bound(deadline), () -> check.check(target(), deadline));
            assertThat(result.passed()).as("result %s", result).isTrue();
        }
    }

    @Test
    void aCheckIsReusedForEveryPeriod() throws Exception {
        try (HealthCheck check = newPassingCheck()) {
            for (int i = 0; i < 3; i++) {
                Duration deadline = passingDeadline();
                HealthCheck.Result result = assertTimeoutPreemptively(Deadlines.bound(deadline), () -> check.check(target(), deadline));
                assertThat(result.passed()).as("check %d: %s", i, result).isTrue();
            }
        }
    }

    /** A silent target fails the check (a failed result or an exception) and costs no more than the deadline. */
    @Test
    void aSilentTargetFailsWithinTheDeadline() throws Exception {
        try (HealthCheck check = newSilentCheck()) {
            Duration deadline = Duration.ofMillis(300);
            long start = System.nanoTime();
            boolean passed = assertTimeoutPreemptively(Deadlines.bound(deadline), () -> {
                try {
                    return check.check(target(), deadline).passed();
                } catch (Exception e) {
                    return false;
                }
            });
            assertThat(passed).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Deadlines.bound(deadline));
        }
    }

    @Test
    void closingTwiceIsHarmless() throws Exception {
        HealthCheck used = newPassingCheck();
        used.check(target(), passingDeadline());
        used.close();
        assertThatCode(used::close).doesNotThrowAnyException();
        HealthCheck unused = newPassingCheck();
        unused.close();
        assertThatCode(unused::close).doesNotThrowAnyException();
    }
}
