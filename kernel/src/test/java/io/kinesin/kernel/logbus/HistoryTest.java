package io.kinesin.kernel.logbus;

import io.kinesin.spi.LogLine;
import io.kinesin.spi.Stream;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** The rings {@code kinesin logs} reads. */
class HistoryTest {

    private static LogLine line(String service, int instance, Stream stream, String text) {
        return new LogLine(service, instance, stream, Instant.EPOCH, text.getBytes(StandardCharsets.UTF_8), false);
    }

    private static List<String> texts(List<History.Entry> entries) {
        return entries.stream().map(e -> e.line().service() + "." + e.line().instance() + " "
                + new String(e.line().text(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void eachStreamKeepsItsLastLinesAndReadersGetThemInArrivalOrder() {
        History h = new History(2);
        h.write(List.of(line("web", 0, Stream.STDOUT, "a"), line("web", 0, Stream.STDOUT, "b"), line("web", 0, Stream.STDOUT, "c")));
        h.write(List.of(line("web", 0, Stream.STDERR, "err")));
        h.write(List.of(line("web", 1, Stream.STDOUT, "one")));
        h.write(List.of(line("db", 0, Stream.STDOUT, "db")));
        assertThat(texts(h.last("web", 10))).containsExactly("web.0 b", "web.0 c", "web.0 err", "web.1 one");
        assertThat(texts(h.last("web", 1))).containsExactly("web.0 c", "web.0 err", "web.1 one");
        assertThat(texts(h.last(null, 1))).containsExactly("web.0 c", "web.0 err", "web.1 one", "db.0 db");
        assertThat(h.last("nobody", 5)).isEmpty();
    }

    @Test
    void aStreamsBytesAreBoundedToo() {
        History h = new History(1000);
        byte[] big = new byte[(int) (History.MAX_BYTES_PER_STREAM / 4) - 1]; // with its newline, a quarter
        for (int i = 0; i < 10; i++) {
            h.write(List.of(new LogLine("web", 0, Stream.STDOUT, Instant.EPOCH, big, false)));
        }
        assertThat(h.last("web", 1000)).hasSize(4);
    }

    /** The rings wrap and grow: what a reader gets equals a plain list of the last lines under both bounds. */
    @Test
    void theRingsHoldExactlyTheLastLinesWhateverTheirLengths() {
        java.util.Random random = new java.util.Random(11);
        History h = new History(50);
        java.util.ArrayDeque<String> model = new java.util.ArrayDeque<>();
        long modelBytes = 0;
        for (int round = 0; round < 2_000; round++) {
            List<LogLine> batch = new java.util.ArrayList<>();
            for (int i = random.nextInt(80); i >= 0; i--) {
                int length = random.nextInt(10) == 0 ? random.nextInt(200_000) : random.nextInt(120);
                String text = round + ":" + "x".repeat(length);
                batch.add(line("web", 0, Stream.STDOUT, text));
            }
            h.write(round % 2 == 0 ? batch : io.kinesin.spi.contract.FramedBatch.of(batch));
            for (LogLine l : batch.subList(Math.max(0, batch.size() - 50), batch.size())) {
                model.addLast(l.string());
                modelBytes += l.text().length + 1; // with its newline
                while (model.size() > 50 || modelBytes > History.MAX_BYTES_PER_STREAM && model.size() > 1) {
                    modelBytes -= model.removeFirst().length() + 1;
                }
            }
            if (round % 97 == 0 || round == 1_999) {
                assertThat(h.last("web", 1000)).extracting(e -> new String(e.text(), StandardCharsets.UTF_8))
                        .as("round %d", round).containsExactlyElementsOf(model);
            }
        }
    }

    @Test
    void aFollowerWaitsForNewerLinesOfItsServiceOnly() throws Exception {
        History h = new History(10);
        h.write(List.of(line("web", 0, Stream.STDOUT, "old")));
        long from = h.newest();
        assertThat(h.after(from, "web", Duration.ofMillis(20))).isEmpty();
        CompletableFuture<List<History.Entry>> next = CompletableFuture.supplyAsync(() -> {
            try {
                return h.after(from, "web", Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        h.write(List.of(line("db", 0, Stream.STDOUT, "not this")));
        h.write(List.of(line("web", 0, Stream.STDOUT, "new")));
        assertThat(texts(next.get())).containsExactly("web.0 new");
    }

    @Test
    void theBusFeedsEveryStreamToTheHistoryBesideItsOwnSinks() {
        History h = new History(3);
        io.kinesin.kernel.log.Log log = new io.kinesin.kernel.log.Log(io.kinesin.kernel.log.Log.Format.LOGFMT,
                io.kinesin.kernel.log.Log.Level.WARN, new java.io.ByteArrayOutputStream());
        RecordingSink rec = new RecordingSink();
        LogBus bus = new LogBus(java.util.Map.of("rec", rec), h, BusSettings.DEFAULT, log);
        int out = bus.attach("web", 1, Stream.STDOUT, List.of("rec"));
        int err = bus.attach("web", 1, Stream.STDERR, List.of());
        FileBus.write(out, "1\n2\n3\n4\n5\n");
        FileBus.write(err, "oops\n");
        io.kinesin.kernel.process.Fds.close(out);
        io.kinesin.kernel.process.Fds.close(err);
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(texts(h.last("web", 10))).containsExactlyInAnyOrder("web.1 3", "web.1 4", "web.1 5", "web.1 oops");
        assertThat(h.last("web", 10).getFirst().line().stream()).isIn(Stream.STDOUT, Stream.STDERR);
    }
}
