package io.kinesin.spi.contract;

import io.kinesin.spi.Death;
import io.kinesin.spi.DeathHook;
import io.kinesin.spi.ExitStatus;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * What every {@link DeathHook} must do: deliver a death within the {@code timeout} it was
 * configured with, again for the next death, give up at that timeout when its destination
 * hangs, and close idempotently.
 */
public abstract class DeathHookContract {

    /** A hook configured with {@code timeout}, aimed at a working destination this test owns. */
    protected abstract DeathHook newHook(Duration timeout) throws Exception;

    /** Asserts that the destination got {@code death}'s facts (a request received, a file a command wrote). */
    protected abstract void assertDelivered(Death death) throws Exception;

    /**
     * A hook configured with {@code timeout}, aimed at a destination that never answers; null
     * (the default) if the kind has none to test, which skips that rule.
     */
    protected DeathHook newHookToSilentDestination(Duration timeout) throws Exception {
        return null;
    }

    /** A death with every fact set: a crash of instance 1 of {@code web} that will be restarted. */
    protected Death death(int deaths) {
        return new Death("web", 1, 4242, ExitStatus.exited(3), deaths, true, "backoff", Instant.parse("2026-11-22T02:13:00Z"), 0);
    }

    @Test
    void deathsAreDeliveredWithinTheTimeout() throws Exception {
        Duration timeout = Duration.ofSeconds(5);
        try (DeathHook hook = newHook(timeout)) {
            for (int i = 1; i <= 2; i++) {
                Death death = death(i);
                assertTimeoutPreemptively(Deadlines.bound(timeout), () -> hook.onDeath(death));
                assertDelivered(death);
            }
        }
    }

    @Test
    void anExitReturnsWithinTheTimeout() throws Exception {
        Duration timeout = Duration.ofSeconds(5);
        try (DeathHook hook = newHook(timeout)) {
            assertTimeoutPreemptively(Deadlines.bound(timeout), () -> hook.onExit(0, "signal TERM"));
        }
    }

    /** A hung destination fails the call (an exception) no later than the timeout. */
    @Test
    void aSilentDestinationCostsNoMoreThanTheTimeout() throws Exception {
        Duration timeout = Duration.ofMillis(300);
        DeathHook hook = newHookToSilentDestination(timeout);
        Assumptions.assumeTrue(hook != null, "this kind has no silent destination to test");
        try (hook) {
            assertTimeoutPreemptively(Deadlines.bound(timeout), () -> {
                try {
                    hook.onDeath(death(1));
                } catch (Exception expected) {
                    // failing is the right answer; hanging is not
                }
            });
        }
    }

    @Test
    void closingTwiceIsHarmless() throws Exception {
        DeathHook hook = newHook(Duration.ofSeconds(5));
        hook.close();
        assertThatCode(hook::close).doesNotThrowAnyException();
    }
}
