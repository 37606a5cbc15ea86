package io.kinesin.probes;

import io.kinesin.spi.HealthCheck;
import io.kinesin.spi.HealthCheckFactory;
import io.kinesin.spi.PluginContext;
import org.pf4j.Extension;

/** The {@code http} check kind: {@code health: [{ type: http, url: "http://127.0.0.1:8080/healthz" }]}. */
@Extension
public final class HttpCheckFactory implements HealthCheckFactory<HttpCheckConfig> {

    @Override
    public String type() {
        return "http";
    }

    @Override
    public Class<HttpCheckConfig> configType() {
        return HttpCheckConfig.class;
    }

    /** Connects nothing yet: the client is made at the first check (its connect timeout is the check's deadline). */
    @Override
    public HealthCheck create(HttpCheckConfig config, PluginContext context) {
        return new HttpCheck(config);
    }
}
