package io.kinesin.probes;

import io.kinesin.spi.HealthCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What an http check's result says for the answers a real server gives, and that close() leaves no client thread behind. */
class HttpCheckTest {

    private static final Duration DEADLINE = Duration.ofSeconds(5);
    private static final HealthCheck.Target WEB = new HealthCheck.Target("web", 0, 1, Map.of(), null);

    private final WebServer web;

    HttpCheckTest() throws Exception {
        web = new WebServer();
    }

    @AfterEach
    void stopServer() {
        web.close();
    }

    @Test
    void aServerErrorFailsWithItsStatus() throws Exception {
        assertThat(run(HttpCheckContractTest.check(web.url("/error")), DEADLINE)).isEqualTo(HealthCheck.Result.fail("500"));
    }

    @Test
    void aRedirectPassesWithoutBeingFollowed() throws Exception {
        assertThat(run(HttpCheckContractTest.check(web.url("/moved")), DEADLINE)).isEqualTo(HealthCheck.Result.pass("302"));
    }

    @Test
    void theMethodAndHeadersAreSent() throws Exception {
        assertThat(run(HttpCheckContractTest.check(web.url("/strict"), "post", Map.of("X-Probe", "kinesin")), DEADLINE))
                .isEqualTo(HealthCheck.Result.pass("200"));
        assertThat(run(HttpCheckContractTest.check(web.url("/strict")), DEADLINE)).isEqualTo(HealthCheck.Result.fail("400"));
    }

    @Test
    void aRefusedConnectionFailsAtOnce() throws Exception {
        long start = System.nanoTime();
        assertThat(run(HttpCheckContractTest.check("http://" + Servers.address(Servers.closedPort()) + "/"), DEADLINE))
                .isEqualTo(HealthCheck.Result.fail("connection refused"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    /** The status decides when it arrives; a body that never ends costs the deadline, not the result. */
    @Test
    void theStatusDecidesEvenIfTheBodyNeverEnds() throws Exception {
        Duration deadline = Duration.ofMillis(500);
        long start = System.nanoTime();
        assertThat(run(HttpCheckContractTest.check(web.url("/endless")), deadline)).isEqualTo(HealthCheck.Result.pass("200"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(deadline.plusSeconds(1));
    }

    @Test
    void aSilentServerFailsNamingTheDeadline() throws Exception {
        try (Servers servers = new Servers()) {
            assertThat(run(HttpCheckContractTest.check("http://" + Servers.address(servers.silent()) + "/"), Duration.ofMillis(300)))
                    .isEqualTo(HealthCheck.Result.fail("no answer within 300ms"));
        }
    }

    /** What close() waits for: the client's threads end with it (joined here, at most a second each, to see them go). */
    @Test
    void closeEndsTheClientsThreads() throws Exception {
        HealthCheck check = HttpCheckContractTest.check(web.url("/ok"));
        check.check(WEB, DEADLINE);
        List<Thread> threads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("HttpClient-") || t.getName().startsWith("probes-http-")).toList();
        assertThat(threads).extracting(Thread::getName).anyMatch(n -> n.startsWith("probes-http-"));
        check.close();
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(1));
        }
        assertThat(threads).filteredOn(Thread::isAlive).extracting(Thread::getName).isEmpty();
        assertThatThrownBy(() -> check.check(WEB, DEADLINE)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    private static HealthCheck.Result run(HealthCheck check, Duration deadline) throws Exception {
        try (check) {
            return check.check(WEB, deadline);
        }
    }
}
