package io.kinesin.sink.loki;

import com.github.loki4j.client.http.HttpConfig;
import com.github.loki4j.client.http.JavaHttpClient;
import com.github.loki4j.client.http.Loki4jHttpClient;
import com.github.loki4j.client.http.LokiResponse;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.Stream;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a failed push means for the kernel, against a real Loki: a Loki that is not there is an
 * {@link IOException} (retried with backoff), a batch Loki refuses is {@link LogSink.Undeliverable}
 * (dropped and counted, never retried), and a big batch goes in several pushes.
 */
class LokiSinkFailureTest {

    private final String run = UUID.randomUUID().toString();
    private final Instant start = Instant.now();
    private Instant read = start;

    @Test
    void aLokiThatIsNotThereIsAFailureToRetry() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (LogSink sink = sink("http://127.0.0.1:" + port)) {
            assertThatThrownBy(() -> sink.write(List.of(line("web", "nobody listens"))))
                    .isInstanceOf(IOException.class).isNotInstanceOf(LogSink.Undeliverable.class)
                    .hasMessageStartingWith("cannot push to http://127.0.0.1:" + port + "/loki/api/v1/push: ConnectException");
        }
    }

    @Test
    void aLabelLokiRefusesMakesTheBatchUndeliverableAndOtherStreamsFlow() throws Exception {
        Loki loki = Loki.shared();
        String tooLong = "s".repeat(2100); // Loki's max_label_value_length is 2048
        try (LogSink sink = sink(loki.url())) {
            assertThatThrownBy(() -> sink.write(List.of(line(tooLong, "refused"))))
                    .isInstanceOf(LogSink.Undeliverable.class).hasMessageStartingWith("Loki answered 400 to a push of 1 lines: ");
            sink.write(List.of(line("web", "taken")));
        }
        assertThat(loki.lines(selector(), start.minusSeconds(60), Instant.now().plusSeconds(60)))
                .extracting(Loki.Entry::line).containsExactly("taken");
    }

    @Test
    void aBatchBiggerThanBatchLinesArrivesInPushesWithItsTimesAndLabels() throws Exception {
        Loki loki = Loki.shared();
        List<LogLine> batch = List.of(line("web", "one"), line("web", "two"), line("web", "three"));
        try (LogSink sink = new LokiSinkFactory().create(new LokiSinkConfig(loki.url(), Map.of("run", run), null, null,
                new LokiSinkConfig.Batch(2, null, null)), null)) {
            sink.write(batch);
        }
        List<Loki.Entry> stored = loki.lines(selector(), start.minusSeconds(60), Instant.now().plusSeconds(60));
        assertThat(stored).extracting(Loki.Entry::line).containsExactly("one", "two", "three");
        assertThat(stored).extracting(Loki.Entry::nanos).containsExactlyElementsOf(batch.stream().map(l -> Loki.nanos(l.at())).toList());
        assertThat(stored.getFirst().labels()).containsEntry("service", "web").containsEntry("stream", "stdout").containsEntry("instance", "0");
    }

    /**
     * The kernel retries a batch whose write failed after some of its pushes went through: the
     * lines Loki has are not pushed again, the others arrive once, at the times of the first try.
     * The network fails the second push once (loki4j's client interface wrapped round the real
     * client; Loki is real).
     */
    @Test
    void aBatchRetriedAfterAPartialFailureArrivesOnceWithItsReadTimes() throws Exception {
        Loki loki = Loki.shared();
        HttpConfig http = HttpConfig.builder().setPushUrl(loki.pushUrl()).build("application/json");
        Loki4jHttpClient real = new JavaHttpClient(http);
        int[] sends = {0};
        Loki4jHttpClient flaky = new Loki4jHttpClient() {
            @Override
            public HttpConfig getConfig() {
                return http;
            }

            @Override
            public LokiResponse send(ByteBuffer batch) throws Exception {
                if (++sends[0] == 2) {
                    throw new java.net.ConnectException("the network failed once");
                }
                return real.send(batch);
            }

            @Override
            public void close() throws Exception {
                real.close();
            }
        };
        List<LogLine> batch = List.of(line("web", "one"), line("web", "two"), line("web", "three"), line("web", "four"));
        try (LogSink sink = new LokiSink(new Push(flaky, 1 << 20), new Streams(Map.of("run", run)), 2, 1 << 20)) {
            assertThatThrownBy(() -> sink.write(batch)).isInstanceOf(IOException.class).isNotInstanceOf(LogSink.Undeliverable.class);
            sink.write(batch); // the kernel's retry: the same batch
        }
        List<Loki.Entry> stored = loki.lines(selector(), start.minusSeconds(60), Instant.now().plusSeconds(60));
        assertThat(stored).extracting(Loki.Entry::line).containsExactly("one", "two", "three", "four");
        assertThat(stored).extracting(Loki.Entry::nanos).containsExactlyElementsOf(batch.stream().map(l -> Loki.nanos(l.at())).toList());
        assertThat(sends[0]).as("pushes: one, two | three, four (failed) | three, four").isEqualTo(3);
    }

    private String selector() {
        return "{run=\"" + run + "\"}";
    }

    private LogSink sink(String url) {
        return new LokiSinkFactory().create(new LokiSinkConfig(url, Map.of("run", run), null, null, null), null);
    }

    /** A line read now, a microsecond after the one before, as the kernel stamps them. */
    private LogLine line(String service, String text) {
        read = read.plusNanos(1_000);
        return new LogLine(service, 0, Stream.STDOUT, read, text.getBytes(StandardCharsets.UTF_8), false);
    }
}
