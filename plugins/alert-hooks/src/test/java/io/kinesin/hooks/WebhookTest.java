package io.kinesin.hooks;

import com.fasterxml.jackson.databind.JsonNode;
import io.kinesin.spi.Death;
import io.kinesin.spi.DeathHook;
import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.PluginContext;
import io.kinesin.spi.Signal;
import io.kinesin.spi.contract.Contexts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A webhook against real receivers: the JSON they get for the deaths an operator meets, and how it fails. */
class WebhookTest {

    private static final Instant AT = Instant.parse("2026-11-22T02:13:00Z");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final String SECRET = "s3cret-t0ken";

    private Receiver receiver;

    @BeforeEach
    void start() throws Exception {
        receiver = new Receiver();
    }

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void anExitIsPostedWithEveryFact() throws Exception {
        JsonNode json = post(new Death("web", 0, 4242, ExitStatus.exited(3), 1, false, "exited", AT, 0), 1);
        assertThat(json.toString()).isEqualTo("{\"service\":\"web\",\"instance\":0,\"pid\":4242,\"exit_code\":3,\"signal\":null,"
                + "\"deaths\":1,\"will_restart\":false,\"state\":\"exited\",\"at\":\"2026-11-22T02:13:00Z\",\"coalesced\":0,"
                + "\"text\":\"kinesin: web (pid 4242) exited with code 3; not restarted, now exited\"}");
    }

    @Test
    void aSignalDeathHasASignalAndNoExitCode() throws Exception {
        JsonNode json = post(new Death("db", 0, 99, ExitStatus.killed(Signal.KILL), 1, false, "exited", AT, 0), 1);
        assertThat(json.get("exit_code").isNull()).isTrue();
        assertThat(json.get("signal").textValue()).isEqualTo("KILL");
        assertThat(json.get("text").textValue()).isEqualTo("kinesin: db (pid 99) was killed by KILL; not restarted, now exited");
    }

    @Test
    void aRestart() throws Exception {
        JsonNode json = post(new Death("worker", 2, 77, ExitStatus.exited(1), 2, true, "backoff", AT, 0), 3);
        assertThat(json.get("will_restart").booleanValue()).isTrue();
        assertThat(json.get("state").textValue()).isEqualTo("backoff");
        assertThat(json.get("deaths").intValue()).isEqualTo(2);
        assertThat(json.get("text").textValue())
                .isEqualTo("kinesin: worker.2 (pid 77) exited with code 1; restarting (2 deaths within the crash-loop window)");
    }

    @Test
    void aCrashLoopThatEndsInFailed() throws Exception {
        JsonNode json = post(new Death("web", 0, 4300, ExitStatus.exited(1), 6, false, "failed", AT, 3), 1);
        assertThat(json.get("will_restart").booleanValue()).isFalse();
        assertThat(json.get("state").textValue()).isEqualTo("failed");
        assertThat(json.get("deaths").intValue()).isEqualTo(6);
        assertThat(json.get("coalesced").intValue()).isEqualTo(3);
        assertThat(json.get("text").textValue()).isEqualTo("kinesin: web (pid 4300) exited with code 1; not restarted, now failed "
                + "(6 deaths within the crash-loop window); 3 earlier deaths folded into this alert");
    }

    @Test
    void kinesinsExitIsPosted() throws Exception {
        try (DeathHook hook = hook(receiver.url("/ok"), Map.of(), TIMEOUT, Contexts.plain())) {
            hook.onExit(143, "signal TERM");
        }
        JsonNode json = receiver.next().json();
        assertThat(json.get("exit_status").intValue()).isEqualTo(143);
        assertThat(json.get("reason").textValue()).isEqualTo("signal TERM");
        assertThat(Instant.parse(json.get("at").textValue())).isNotNull();
        assertThat(json.get("text").textValue()).isEqualTo("kinesin is exiting with status 143: signal TERM");
        assertThat(json.has("service")).isFalse();
    }

    @Test
    void headersAreSentWithTheJson() throws Exception {
        try (DeathHook hook = hook(receiver.url("/ok"), Map.of("Authorization", "Bearer " + SECRET, "X-Team", "ops"), TIMEOUT,
                Contexts.plain())) {
            hook.onDeath(death());
        }
        Receiver.Request r = receiver.next();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.headers().getFirst("Authorization")).isEqualTo("Bearer " + SECRET);
        assertThat(r.headers().getFirst("X-Team")).isEqualTo("ops");
        assertThat(r.headers().getFirst("Content-Type")).isEqualTo("application/json");
    }

    @Test
    void aConfiguredContentTypeWins() throws Exception {
        try (DeathHook hook = hook(receiver.url("/ok"), Map.of("content-type", "application/json; charset=utf-8"), TIMEOUT,
                Contexts.plain())) {
            hook.onDeath(death());
        }
        assertThat(receiver.next().headers().get("Content-Type")).containsExactly("application/json; charset=utf-8");
    }

    /** A status is an answer: not retried, and named; the secret path and header stay out of the message. */
    @Test
    void aServerErrorFailsOnceAndNamesTheStatus() throws Exception {
        try (DeathHook hook = hook(receiver.url("/error?token=" + SECRET), Map.of("Authorization", SECRET), TIMEOUT, Contexts.plain())) {
            assertThatThrownBy(() -> hook.onDeath(death()))
                    .hasMessage("HTTP 500 from " + receiver.url("").replace("/error", ""));
        }
        receiver.next();
        assertThat(receiver.requests()).isEqualTo(1);
    }

    @Test
    void aClosedPortFailsAfterOneRetryWithinTheTimeout() throws Exception {
        Duration timeout = Duration.ofSeconds(3);
        String url = Receiver.closedPortUrl("/services/T0/B0/" + SECRET);
        try (DeathHook hook = hook(url, Map.of("Authorization", SECRET), timeout, Contexts.plain())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> hook.onDeath(death()))
                    .hasMessageStartingWith("connection refused by http://127.0.0.1:")
                    .hasMessageEndingWith(" (tried twice)")
                    .message().doesNotContain(SECRET);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(timeout);
        }
    }

    /**
     * A connection closed before any response is tried once more. The JDK's client may itself
     * reconnect once within an attempt (when it takes the failure for a connect failure or an
     * unprocessed request), so the receiver sees 2 to 4 connections, never more.
     */
    @Test
    void aHangupIsRetriedOnce() throws Exception {
        try (Receiver.Hangup hangup = new Receiver.Hangup();
             DeathHook hook = hook(hangup.url() + "/" + SECRET, Map.of("Authorization", SECRET), TIMEOUT, Contexts.plain())) {
            assertThatThrownBy(() -> hook.onDeath(death()))
                    .hasMessageStartingWith("connection to http://127.0.0.1:")
                    .hasMessageEndingWith(" (tried twice)")
                    .message().doesNotContain(SECRET);
            assertThat(hangup.accepted()).hasSizeBetween(2, 4);
        }
    }

    @Test
    void aSilentReceiverFailsAtTheTimeout() throws Exception {
        try (DeathHook hook = hook(receiver.url("/silent"), Map.of(), Duration.ofMillis(500), Contexts.plain())) {
            assertThatThrownBy(() -> hook.onDeath(death())).hasMessage("no answer within 500ms");
        }
        assertThat(receiver.requests()).isEqualTo(1);
    }

    @Test
    void aClosedHookRefusesToPost() throws Exception {
        DeathHook hook = hook(receiver.url("/ok"), Map.of(), TIMEOUT, Contexts.plain());
        hook.onDeath(death());
        hook.close();
        assertThatThrownBy(() -> hook.onDeath(death())).hasMessage("the webhook to " + receiver.url("").replaceAll("/$", "") + " is closed");
    }

    private JsonNode post(Death death, int replicas) throws Exception {
        PluginContext context = Contexts.replicas(Map.of(death.service(), replicas));
        try (DeathHook hook = hook(receiver.url("/ok"), Map.of(), TIMEOUT, context)) {
            hook.onDeath(death);
        }
        return receiver.next().json();
    }

    private static DeathHook hook(String url, Map<String, String> headers, Duration timeout, PluginContext context) {
        return new WebhookFactory().create(new WebhookConfig(url, new Headers(headers), timeout), context);
    }

    private static Death death() {
        return new Death("web", 0, 4242, ExitStatus.exited(1), 1, true, "backoff", AT, 0);
    }
}
