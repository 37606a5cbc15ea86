package io.kinesin.probes;

import io.kinesin.spi.HealthCheck;
import io.kinesin.spi.contract.Contexts;
import io.kinesin.spi.contract.HealthCheckContract;
import org.junit.jupiter.api.AfterEach;

import java.net.InetSocketAddress;
import java.util.Map;

/** The health check contract for {@code http}: a server that answers 200, and one that accepts and never answers. */
class HttpCheckContractTest extends HealthCheckContract {

    private final Servers servers = new Servers();
    private WebServer web;

    @Override
    protected HealthCheck newPassingCheck() throws Exception {
        if (web == null) {
            web = new WebServer();
        }
        return check(web.url("/ok"));
    }

    @Override
    protected HealthCheck newSilentCheck() throws Exception {
        InetSocketAddress silent = servers.silent();
        return check("http://" + Servers.address(silent) + "/healthz");
    }

    @AfterEach
    void stopServers() throws Exception {
        if (web != null) {
            web.close();
        }
        servers.close();
    }

    static HealthCheck check(String url) {
        return check(url, null, null);
    }

    static HealthCheck check(String url, String method, Map<String, String> headers) {
        return new HttpCheckFactory().create(new HttpCheckConfig(url, method, headers), Contexts.plain());
    }
}
