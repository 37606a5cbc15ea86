package io.kinesin.probes;

import io.kinesin.spi.HealthCheck;
import io.kinesin.spi.contract.Contexts;
import io.kinesin.spi.contract.HealthCheckContract;
import org.junit.jupiter.api.AfterEach;

/**
 * The health check contract for {@code tcp}: a server that accepts passes; the silent target is
 * a listen queue that is full ({@link Servers#fullBacklog}), where a connect hangs.
 */
class TcpCheckContractTest extends HealthCheckContract {

    private final Servers servers = new Servers();

    @Override
    protected HealthCheck newPassingCheck() throws Exception {
        return check(Servers.address(servers.accepting()));
    }

    @Override
    protected HealthCheck newSilentCheck() throws Exception {
        return check(Servers.address(servers.fullBacklog()));
    }

    @AfterEach
    void stopServers() throws Exception {
        servers.close();
    }

    static HealthCheck check(String address) {
        return new TcpCheckFactory().create(new TcpCheckConfig(address), Contexts.plain());
    }
}
