package io.kinesin.probes;

import io.kinesin.spi.HealthCheck;
import io.kinesin.spi.HealthCheckFactory;
import io.kinesin.spi.PluginContext;
import org.pf4j.Extension;

/** The {@code tcp} check kind: {@code health: [{ type: tcp, address: "127.0.0.1:5432" }]}. */
@Extension
public final class TcpCheckFactory implements HealthCheckFactory<TcpCheckConfig> {

    @Override
    public String type() {
        return "tcp";
    }

    @Override
    public Class<TcpCheckConfig> configType() {
        return TcpCheckConfig.class;
    }

    @Override
    public HealthCheck create(TcpCheckConfig config, PluginContext context) {
        return new TcpCheck(config.host(), config.port());
    }
}
