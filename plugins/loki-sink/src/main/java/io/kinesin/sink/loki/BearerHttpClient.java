package io.kinesin.sink.loki;

import com.github.loki4j.client.http.HttpConfig;
import com.github.loki4j.client.http.HttpHeader;
import com.github.loki4j.client.http.Loki4jHttpClient;
import com.github.loki4j.client.http.LokiResponse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * loki4j's {@link Loki4jHttpClient} with an {@code Authorization: Bearer} token, which loki4j
 * 2.1's own clients cannot send (they know only basic auth). loki4j made this interface the
 * seam for other senders; this one is the JDK's HTTP client, set up as loki4j's
 * {@code JavaHttpClient} is (HTTP/1.1, its timeouts, content type and tenant header), plus the
 * token.
 */
final class BearerHttpClient implements Loki4jHttpClient {

    private final HttpConfig config;
    private final HttpClient client;
    private final HttpRequest.Builder request;

    BearerHttpClient(HttpConfig config, String token) {
        this.config = config;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofMillis(config.connectionTimeoutMs)).build();
        this.request = HttpRequest.newBuilder(URI.create(config.pushUrl)).timeout(Duration.ofMillis(config.requestTimeoutMs))
                .header(HttpHeader.CONTENT_TYPE, config.contentType).header(HttpHeader.AUTHORIZATION, "Bearer " + token);
        config.tenantId.ifPresent(tenant -> request.header(HttpHeader.X_SCOPE_ORGID, tenant));
    }

    @Override
    public HttpConfig getConfig() {
        return config;
    }

    @Override
    public LokiResponse send(ByteBuffer batch) throws Exception {
        byte[] body = new byte[batch.remaining()];
        batch.get(body);
        HttpResponse<String> answer = client.send(request.copy().POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new LokiResponse(answer.statusCode(), answer.body());
    }

    @Override
    public void close() {
        client.close();
    }
}
