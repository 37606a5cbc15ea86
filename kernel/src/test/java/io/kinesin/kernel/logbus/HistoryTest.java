package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.Poller;
import io.kinesin.spi.Stream;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code kinesin logs} reads: each stream's last lines, kept from the batches the pump seals. */
class HistoryTest {

    private static long clock = 1_764_000_000_000_000_000L;

    /** A batch as the pump seals it, its arrays from {@code buffers} (null: not pooled), the history its only holder. */
    private static Batch batch(Buffers buffers, String service, int instance, Stream stream, List<String> texts) {
        int length = 0;
        for (String t : texts) {
            length += t.getBytes(StandardCharsets.UTF_8).length + 1;
        }
        byte[] data = buffers == null ? new byte[length] : buffers.bytes(length);
        int[] ends = buffers == null ? new int[texts.size()] : buffers.ints(texts.size());
        long[] at = buffers == null ? new long[texts.size()] : buffers.longs(texts.size());
        int p = 0;
        for (int i = 0; i < texts.size(); i++) {
            byte[] t = texts.get(i).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(t, 0, data, p, t.length);
            p += t.length;
            ends[i] = p;
            data[p++] = '\n';
            at[i] = ++clock;
        }
        return new Batch(new Batch.Origin(service, instance, stream), data, texts.size(), ends, at, null, buffers, 1);
    }

    private static Batch batch(String service, int instance, Stream stream, String... texts) {
        return batch(null, service, instance, stream, List.of(texts));
    }

    private static List<String> texts(List<History.Entry> entries) {
        return entries.stream().map(e -> e.line().service() + "." + e.line().instance() + " "
                + new String(e.line().text(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void eachStreamKeepsItsLastLinesAndReadersGetThemInArrivalOrder() {
        History h = new History(2);
        h.add(batch("web", 0, Stream.STDOUT, "a", "b", "c"));
        h.add(batch("web", 0, Stream.STDERR, "err"));
        h.add(batch("web", 1, Stream.STDOUT, "one"));
        h.add(batch("db", 0, Stream.STDOUT, "db"));
        assertThat(texts(h.last("web", 10))).containsExactly("web.0 b", "web.0 c", "web.0 err", "web.1 one");
        assertThat(texts(h.last("web", 1))).containsExactly("web.0 c", "web.0 err", "web.1 one");
        assertThat(texts(h.last(null, 1))).containsExactly("web.0 c", "web.0 err", "web.1 one", "db.0 db");
        assertThat(h.last("nobody", 5)).isEmpty();
        assertThat(h.last("web", 1).getFirst().line().at()).isNotNull();
    }

    @Test
    void aStreamsBytesAreBoundedToo() {
        History h = new History(1000);
        String big = "x".repeat((int) (History.MAX_BYTES_PER_STREAM / 4) - 1); // with its newline, a quarter
        for (int i = 0; i < 10; i++) {
            h.add(batch("web", 0, Stream.STDOUT, big));
        }
        assertThat(h.last("web", 1000)).hasSize(4);
        h.add(batch("web", 0, Stream.STDOUT, "x".repeat((int) History.MAX_BYTES_PER_STREAM))); // beyond the bound alone
        assertThat(h.last("web", 1000)).singleElement()
                .satisfies(e -> assertThat(e.text()).hasSize((int) History.MAX_BYTES_PER_STREAM - 1));
    }

    /**
     * Batches of every size, small ones (copied) and large ones (kept, then let go), lines short
     * and long: what a reader gets, whole or after a line it has seen, equals a plain list of the
     * last lines under both bounds.
     */
    @Test
    void readersSeeExactlyTheLastLinesWhateverTheBatchesAndTheirLengths() {
        for (int perStream : new int[] {1, 3, 50, 700}) {
            Random random = new Random(11 + perStream);
            History h = new History(perStream);
            ArrayDeque<String> model = new ArrayDeque<>();
            long modelBytes = 0;
            long seen = 0;
            for (int round = 0; round < 2_000; round++) {
                List<String> texts = new ArrayList<>();
                int lines = random.nextInt(4) == 0 ? 1 + random.nextInt(600) : 1 + random.nextInt(3);
                for (int i = 0; i < lines; i++) {
                    int length = random.nextInt(200) == 0 ? random.nextInt(300_000) : random.nextInt(120);
                    texts.add(round + ":" + i + ":" + "x".repeat(length));
                }
                h.add(batch(null, "web", 0, Stream.STDOUT, texts));
                for (String t : texts) {
                    model.addLast(t);
                    modelBytes += t.length() + 1; // with its newline
                    while (model.size() > perStream || modelBytes > History.MAX_BYTES_PER_STREAM && model.size() > 1) {
                        modelBytes -= model.removeFirst().length() + 1;
                    }
                }
                if (round % 37 == 0 || round == 1_999) {
                    List<History.Entry> all = h.last("web", Integer.MAX_VALUE);
                    assertThat(all).extracting(e -> new String(e.text(), StandardCharsets.UTF_8))
                            .as("perStream %d, round %d", perStream, round).containsExactlyElementsOf(model);
                    List<String> newer = model.stream().skip(Math.max(0, model.size() - (h.newest() - seen))).toList();
                    assertThat(after(h, seen)).as("after %d", seen).containsExactlyElementsOf(newer);
                    seen = h.newest();
                }
            }
        }
    }

    private static List<String> after(History h, long seq) {
        try {
            return h.after(seq, "web", Duration.ZERO).stream().map(e -> new String(e.text(), StandardCharsets.UTF_8)).toList();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A flood's batches each hide the ones before: those go back to the pool as they are, nothing copied. */
    @Test
    void batchesNewerOnesHideAreLetGoAndTheirArraysReused() {
        Buffers buffers = new Buffers();
        History h = new History(1000);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 512; i++) {
            texts.add("%010d %s".formatted(i, "abcdefghijklmnopqrstuvwxyz".repeat(3)));
        }
        Batch first = batch(buffers, "web", 0, Stream.STDOUT, texts);
        byte[] firstData = first.data();
        h.add(first);
        h.add(batch(buffers, "web", 0, Stream.STDOUT, texts));
        assertThat(buffers.bytes(firstData.length)).as("still seen: not let go").isNotSameAs(firstData);
        h.add(batch(buffers, "web", 0, Stream.STDOUT, texts)); // the two newest hold 1,024 lines: the first is hidden
        assertThat(buffers.bytes(firstData.length)).isSameAs(firstData);
        assertThat(h.last("web", 2000)).hasSize(1000);
    }

    /** A reader that holds the history's lock until {@code done} (at most 20 s); returns once it holds it. */
    private static Thread readingUntil(History h, CountDownLatch done) throws InterruptedException {
        CountDownLatch reading = new CountDownLatch(1);
        Thread reader = new Thread(() -> h.whileReading(() -> {
            reading.countDown();
            try {
                done.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        reader.start();
        assertThat(reading.await(20, TimeUnit.SECONDS)).isTrue();
        return reader;
    }

    /** A reader holding the history never makes the pump wait: the batch waits in the pump's queue and goes in after. */
    @Test
    void thePumpNeverWaitsForAReader() throws Exception {
        History h = new History(10);
        CountDownLatch pumped = new CountDownLatch(1);
        Thread reader = readingUntil(h, pumped);
        h.add(batch("web", 0, Stream.STDOUT, "while read")); // returns: it does not wait for the reader
        boolean caughtUp = h.catchUp();
        pumped.countDown();
        reader.join(20_000);
        assertThat(caughtUp).isFalse();
        assertThat(h.last("web", 10)).isEmpty();
        assertThat(h.catchUp()).isTrue();
        assertThat(texts(h.last("web", 10))).containsExactly("web.0 while read");
    }

    @Test
    void aFollowerWaitsForNewerLinesOfItsServiceOnly() throws Exception {
        History h = new History(10);
        h.add(batch("web", 0, Stream.STDOUT, "old"));
        long from = h.newest();
        assertThat(h.after(from, "web", Duration.ofMillis(20))).isEmpty();
        CompletableFuture<List<History.Entry>> next = CompletableFuture.supplyAsync(() -> {
            try {
                return h.after(from, "web", Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        h.add(batch("db", 0, Stream.STDOUT, "not this"));
        h.add(batch("web", 0, Stream.STDOUT, "new"));
        assertThat(texts(next.get())).containsExactly("web.0 new");
    }

    private static LogBus bus(History h, RecordingSink rec) {
        Log log = new Log(Log.Format.LOGFMT, Log.Level.WARN, new ByteArrayOutputStream());
        return new LogBus(Map.of("rec", rec), h, BusSettings.DEFAULT, log);
    }

    @Test
    void theBusFeedsEveryStreamToTheHistoryBesideItsOwnSinks() {
        History h = new History(3);
        RecordingSink rec = new RecordingSink();
        LogBus bus = bus(h, rec);
        int out = bus.attach("web", 1, Stream.STDOUT, List.of("rec"));
        int err = bus.attach("web", 1, Stream.STDERR, List.of());
        FileBus.write(out, "1\n2\n3\n4\n5\n");
        FileBus.write(err, "oops\n");
        Fds.close(out);
        Fds.close(err);
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(texts(h.last("web", 10))).containsExactlyInAnyOrder("web.1 3", "web.1 4", "web.1 5", "web.1 oops");
        assertThat(h.last("web", 10).getFirst().line().stream()).isIn(Stream.STDOUT, Stream.STDERR);
    }

    /**
     * A round that found the history held by a reader bounds the next poll, so the batch goes in
     * soon though nothing more is written (else that poll would wait for ever: no warm-up is due).
     */
    @Test
    void aPumpWhoseHistoryIsBehindPollsAgainSoon() throws Exception {
        History h = new History(10);
        Log quiet = new Log(Log.Format.LOGFMT, Log.Level.ERROR, new ByteArrayOutputStream());
        int[] pipe = Fds.pipe();
        ExecutorService pumpThread = Executors.newSingleThreadExecutor();
        try (Poller poller = new Poller(4096)) {
            try {
                ConcurrentLinkedQueue<Source> added = new ConcurrentLinkedQueue<>();
                Pump pump = new Pump(List.of(), h, added, poller, () -> { }, () -> 1, quiet);
                pump.noWarmup();
                added.add(new Source(pipe[0], new Batch.Origin("web", 0, Stream.STDOUT), new SinkWorker[0], Output.to(List.of()),
                        BusSettings.DEFAULT_MAX_LINE, new LogCounters(), new Buffers(), h, null));
                FileBus.write(pipe[1], "only line\n");
                CountDownLatch pumped = new CountDownLatch(1);
                Thread reader = readingUntil(h, pumped);
                pumpThread.submit(() -> pump.round(false, 0)).get(20, TimeUnit.SECONDS); // reads the line; the history is held
                pumped.countDown();
                reader.join(20_000);
                assertThat(h.last("web", 10)).isEmpty();
                pumpThread.submit(() -> pump.round(false, 0)).get(20, TimeUnit.SECONDS); // nothing to read: polls briefly, catches up
                assertThat(texts(h.last("web", 10))).containsExactly("web.0 only line");
            } finally {
                Fds.close(pipe[1]); // a round still polling (a failed test) returns: the pipe hung up
                pumpThread.shutdown();
                pumpThread.awaitTermination(20, TimeUnit.SECONDS); // before the poller goes
            }
        } finally {
            Fds.close(pipe[0]);
        }
    }

    /** A line read while a reader held the history reaches it once the reader is done, though nothing more is written. */
    @Test
    void thePumpPutsInWhatWaitedWithoutNewOutput() throws Exception {
        History h = new History(10);
        LogBus bus = bus(h, new RecordingSink());
        int out = bus.attach("web", 0, Stream.STDOUT, List.of());
        try {
            CountDownLatch read = new CountDownLatch(1);
            Thread reader = new Thread(() -> h.whileReading(() -> {
                FileBus.write(out, "only line\n");
                long deadline = System.nanoTime() + 20_000_000_000L;
                while (bus.bytesRead() < 10 && System.nanoTime() < deadline) {
                    Thread.onSpinWait(); // holds the lock until the pump has read the line
                }
                read.countDown();
            }));
            reader.start();
            reader.join(30_000);
            assertThat(read.getCount()).as("the pump read the line").isZero();
            assertThat(texts(h.after(0, "web", Duration.ofSeconds(20)))).containsExactly("web.0 only line");
        } finally {
            Fds.close(out);
            bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
        }
    }
}
