package io.kinesin.sink.loki;

import com.github.loki4j.client.http.HttpConfig;
import com.github.loki4j.client.http.JavaHttpClient;
import com.github.loki4j.client.http.Loki4jHttpClient;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.LogSinkFactory;
import io.kinesin.spi.PluginContext;
import org.pf4j.Extension;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/** The {@code loki} sink kind: {@code sinks: { loki: { type: loki, url: http://loki:3100 } }}. */
@Extension
public final class LokiSinkFactory implements LogSinkFactory<LokiSinkConfig> {

    /** Connecting to Loki: a server that does not answer SYN in this long counts as down. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** One push, answered: well within the kernel's deadline for a call into a sink (30s). */
    static final Duration PUSH_TIMEOUT = Duration.ofSeconds(15);
    static final long QUEUE_BYTES = 16 << 20;

    @Override
    public String type() {
        return "loki";
    }

    @Override
    public Class<LokiSinkConfig> configType() {
        return LokiSinkConfig.class;
    }

    /** 16 MiB: a Loki outage of a while is waited out before the streams' overflow applies. */
    @Override
    public OptionalLong defaultQueueBytes() {
        return OptionalLong.of(QUEUE_BYTES);
    }

    /** Connects nothing yet: the first push does, and a Loki that is down then is retried by the kernel. */
    @Override
    public LogSink create(LokiSinkConfig config, PluginContext context) {
        LokiSinkConfig.Auth auth = config.auth();
        HttpConfig http = HttpConfig.builder().setPushUrl(config.url())
                .setConnectionTimeoutMs(CONNECT_TIMEOUT.toMillis()).setRequestTimeoutMs(PUSH_TIMEOUT.toMillis())
                .setTenantId(Optional.ofNullable(config.tenant()))
                .setUsername(Optional.ofNullable(auth == null || auth.basic() == null ? null : auth.user()))
                .setPassword(Optional.ofNullable(auth == null || auth.basic() == null ? null : auth.password()))
                .build("application/json");
        Loki4jHttpClient client = auth != null && auth.bearer() != null ? new BearerHttpClient(http, auth.bearer()) : new JavaHttpClient(http);
        LokiSinkConfig.Batch batch = config.batch();
        return new LokiSink(new Push(client, batch.maxBytes()), new Streams(config.labels()), batch.lines(), batch.maxBytes());
    }
}
