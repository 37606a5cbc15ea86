package io.kinesin.probes;

import io.kinesin.spi.HealthCheck;
import io.kinesin.spi.contract.Contexts;
import io.kinesin.spi.contract.HealthCheckContract;
import io.kinesin.spi.contract.ProcessSpawner;
import org.junit.jupiter.api.AfterEach;

import java.util.List;

/** The health check contract for {@code exec}: {@code true} passes, {@code sleep 60} is silent and killed at the deadline. */
class ExecCheckContractTest extends HealthCheckContract {

    private final ProcessSpawner spawner = new ProcessSpawner();

    @Override
    protected HealthCheck newPassingCheck() {
        return check("/bin/true");
    }

    @Override
    protected HealthCheck newSilentCheck() {
        return check("sleep", "60");
    }

    @AfterEach
    void killLeftovers() {
        spawner.killAll();
    }

    private HealthCheck check(String... argv) {
        return new ExecCheckFactory().create(new ExecCheckConfig(List.of(argv)), Contexts.spawningWith(spawner));
    }
}
