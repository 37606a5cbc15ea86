package io.kinesin.probes;

import io.kinesin.spi.HealthCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a tcp check's result says for a listening port, a closed one, and one that never answers. */
class TcpCheckTest {

    private static final HealthCheck.Target WEB = new HealthCheck.Target("web", 0, 1, Map.of(), null);

    private final Servers servers = new Servers();

    @AfterEach
    void stopServers() throws Exception {
        servers.close();
    }

    @Test
    void aCompletedConnectPasses() throws Exception {
        assertThat(run(Servers.address(servers.accepting()), Duration.ofSeconds(5))).isEqualTo(HealthCheck.Result.pass("connected"));
    }

    @Test
    void anEmptyHostIsTheLoopbackAddress() throws Exception {
        assertThat(run(":" + servers.accepting().getPort(), Duration.ofSeconds(5))).isEqualTo(HealthCheck.Result.pass("connected"));
    }

    @Test
    void aClosedPortFailsAtOnce() throws Exception {
        long start = System.nanoTime();
        assertThat(run(Servers.address(Servers.closedPort()), Duration.ofSeconds(5))).isEqualTo(HealthCheck.Result.fail("connection refused"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aConnectThatHangsFailsAtTheDeadline() throws Exception {
        assertThat(run(Servers.address(servers.fullBacklog()), Duration.ofMillis(300))).isEqualTo(HealthCheck.Result.fail("no answer within 300ms"));
    }

    private static HealthCheck.Result run(String address, Duration deadline) throws Exception {
        try (HealthCheck check = TcpCheckContractTest.check(address)) {
            return check.check(WEB, deadline);
        }
    }
}
