package io.kinesin.sink.loki;

import com.github.loki4j.client.batch.LogRecordBatch;
import com.github.loki4j.client.http.Loki4jHttpClient;
import com.github.loki4j.client.http.LokiResponse;
import com.github.loki4j.client.writer.JsonWriter;
import io.kinesin.spi.LogSink;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;

/**
 * One push to Loki, with loki4j's JSON writer and HTTP client, and what Loki's answer means for
 * the kernel: success returns; what may pass (no connection, a timeout, 429, 5xx) is an
 * {@link IOException}, which the kernel retries with backoff; any other answer (400 for a label
 * or line Loki refuses, 401, 404...) is {@link LogSink.Undeliverable}: the kernel drops and counts
 * the batch, so a batch Loki will never take is never retried for ever.
 */
final class Push implements AutoCloseable {

    private final Loki4jHttpClient client;
    private final JsonWriter writer;

    Push(Loki4jHttpClient client, int batchBytes) {
        this.client = client;
        this.writer = new JsonWriter(batchBytes);
    }

    void send(LogRecordBatch batch) throws IOException {
        writer.reset();
        writer.serializeBatch(batch);
        ByteBuffer body = ByteBuffer.wrap(writer.toByteArray());
        LokiResponse answer;
        try {
            answer = client.send(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while pushing to " + url());
        } catch (IOException e) {
            throw new IOException("cannot push to " + url() + ": " + describe(e), e);
        } catch (Exception e) {
            throw new IOException("cannot push to " + url() + ": " + e, e);
        }
        int status = answer.status;
        if (status >= 200 && status < 300) {
            return;
        }
        String what = "Loki answered " + status + " to a push of " + batch.size() + " lines: " + brief(answer.body);
        if (status == 429 || status >= 500) {
            throw new IOException(what);
        }
        throw new LogSink.Undeliverable(what);
    }

    private String url() {
        return client.getConfig().pushUrl;
    }

    @Override
    public void close() throws Exception {
        client.close();
    }

    private static String describe(IOException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** Loki's error text, on one line and short: it may quote a whole line back. */
    private static String brief(String body) {
        String one = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return one.length() > 300 ? one.substring(0, 300) + "..." : one;
    }
}
