package io.kinesin.probes;

import io.kinesin.spi.HealthCheck;
import io.kinesin.spi.HealthCheckFactory;
import io.kinesin.spi.PluginContext;
import org.pf4j.Extension;

/** The {@code exec} check kind: {@code health: [{ type: exec, command: [pg_isready, -q] }]}. */
@Extension
public final class ExecCheckFactory implements HealthCheckFactory<ExecCheckConfig> {

    @Override
    public String type() {
        return "exec";
    }

    @Override
    public Class<ExecCheckConfig> configType() {
        return ExecCheckConfig.class;
    }

    @Override
    public HealthCheck create(ExecCheckConfig config, PluginContext context) {
        return new ExecCheck(config, context.spawner());
    }
}
