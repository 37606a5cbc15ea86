package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.spi.LineFormat;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.kinesin.kernel.logbus.FileBus.until;
import static io.kinesin.kernel.logbus.FileBus.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each sink has its own thread and bounded queue: a stalled, failing or hung sink costs the
 * others nothing, {@code overflow} decides between holding the child back and dropping (counted)
 * lines, and what is left at exit is counted. Real pipes written by threads as a child would;
 * the sinks are plugin-like {@link RecordingSink}s.
 */
@Timeout(60)
class SinkQueuesTest {

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final Log log = new Log(Log.Format.LOGFMT, Log.Level.DEBUG, logged);
    private final CountDownLatch gate = new CountDownLatch(1);

    @AfterEach
    void openTheGate() {
        gate.countDown(); // no worker stays parked after its test
    }

    private String logged() {
        synchronized (logged) {
            return logged.toString(StandardCharsets.UTF_8);
        }
    }

    private LogBus bus(BusSettings settings, Map<String, LogSink> sinks) {
        return new LogBus(sinks, settings, log);
    }

    private static Map<String, LogSink> sinks(Object... nameAndSink) {
        Map<String, LogSink> m = new LinkedHashMap<>();
        for (int i = 0; i < nameAndSink.length; i += 2) {
            m.put((String) nameAndSink[i], (LogSink) nameAndSink[i + 1]);
        }
        return m;
    }

    private static String numbered(String who, int i) {
        return who + " line " + i + " " + "x".repeat(40 + i % 23);
    }

    private static String lines(String who, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append(numbered(who, i)).append('\n');
        }
        return sb.toString();
    }

    /** Writes the text as a child would, on a thread of its own (it may block), then closes the pipe. */
    private static CompletableFuture<Void> child(int fd, String text) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("child-writer").start(() -> {
            try {
                write(fd, text);
                Fds.close(fd);
                done.complete(null);
            } catch (Throwable t) {
                done.completeExceptionally(t);
            }
        });
        return done;
    }

    @Test
    void aStalledSinkCostsTheOtherSinkOfTheSameStreamNothingWithDropAndEveryDropIsCounted() throws Exception {
        RecordingSink stalled = new RecordingSink(gate);
        RecordingSink good = new RecordingSink();
        int queue = 8 * 1024;
        BusSettings settings = BusSettings.DEFAULT.withQueue("stalled", queue)
                .withOutput("web", Stream.STDOUT, new Output(List.of("stalled", "good"), Output.Buffer.DEFAULT, Output.Overflow.DROP));
        LogBus bus = bus(settings, sinks("stalled", stalled, "good", good));
        int n = 20_000; // about 1.3 MB: twenty times the pipe, 160 times the stalled sink's queue
        CompletableFuture<Void> writer = child(bus.attach("web", 0, Stream.STDOUT, List.of("stalled", "good")), lines("web", 0, n));

        writer.get(20, TimeUnit.SECONDS); // the child never waits for the stalled sink
        until("the good sink has every line", () -> good.lineCount() == n);
        List<String> got = good.texts();
        for (int i = 0; i < n; i++) {
            assertThat(got.get(i)).isEqualTo(numbered("web", i));
        }

        gate.countDown();
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
        List<String> kept = stalled.texts();
        long dropped = bus.counters().dropped("stalled", "web", Stream.STDOUT);
        assertThat(kept).as("what the stalled sink still got, in order, is a prefix and the lines after gaps").isNotEmpty();
        assertThat(dropped).as("counted drops are exactly the missing lines").isEqualTo(n - kept.size()).isPositive();
        assertThat(FileBus.loggedCount(logged(), "log lines dropped", "stalled", "lines")).as(logged()).isEqualTo(dropped);
        assertThat(logged()).contains("msg=\"log lines dropped\" sink=stalled service=web stream=stdout lines=")
                .contains("reason=\"queue full\"");
        assertThat(bus.counters().dropped("good", "web", Stream.STDOUT)).isZero();
        int last = -1;
        for (String line : kept) {
            int i = Integer.parseInt(line.split(" ")[2]);
            assertThat(i).as("in order, none twice").isGreaterThan(last);
            assertThat(line).isEqualTo(numbered("web", i));
            last = i;
        }
        assertThat(logged()).doesNotContain("undelivered");
    }

    @Test
    void aStalledSinkWithBlockHoldsBackOnlyTheChildThatWritesToIt() throws Exception {
        RecordingSink stalled = new RecordingSink(gate);
        RecordingSink good = new RecordingSink();
        BusSettings settings = BusSettings.DEFAULT.withQueue("stalled", 16 * 1024);
        LogBus bus = bus(settings, sinks("stalled", stalled, "good", good));
        int n = 20_000; // about 1.3 MB: far more than the pipe, the queue and a batch hold
        CompletableFuture<Void> slow = child(bus.attach("slow", 0, Stream.STDOUT, List.of("stalled")), lines("slow", 0, n));
        CompletableFuture<Void> fast = child(bus.attach("fast", 0, Stream.STDOUT, List.of("good")), lines("fast", 0, n));

        fast.get(20, TimeUnit.SECONDS);
        until("the other service's lines all arrive", () -> good.lineCount() == n);
        assertThat(slow).as("the child writing to the stalled sink cannot have written all: it waits in write(2)").isNotDone();
        assertThat(bus.counters().lines("fast", Stream.STDOUT)).isEqualTo(n);
        assertThat(bus.counters().lines("slow", Stream.STDOUT)).isLessThan(n);

        gate.countDown();
        slow.get(20, TimeUnit.SECONDS);
        until("the stalled sink, once it moves, gets every line", () -> stalled.lineCount() == n);
        List<String> got = stalled.texts();
        for (int i = 0; i < n; i++) {
            assertThat(got.get(i)).isEqualTo(numbered("slow", i));
        }
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(bus.counters().dropped("stalled", "slow", Stream.STDOUT)).isZero();
        assertThat(logged()).doesNotContain("dropped", "undelivered");
    }

    @Test
    void withBlockTheOtherSinkOfTheStreamGetsEveryLinePromptlyWhileTheStalledOneHasRoom() throws Exception {
        RecordingSink stalled = new RecordingSink(gate);
        RecordingSink good = new RecordingSink();
        LogBus bus = bus(BusSettings.DEFAULT, sinks("stalled", stalled, "good", good));
        int fd = bus.attach("web", 0, Stream.STDOUT, List.of("stalled", "good"));
        for (int i = 0; i < 1000; i++) {
            write(fd, numbered("web", i) + "\n"); // a line at a time, as a service logs
        }
        until("the good sink has every line", () -> good.lineCount() == 1000);
        assertThat(stalled.lineCount()).isZero();
        gate.countDown();
        until("the stalled sink catches up, in order", () -> stalled.lineCount() == 1000);
        assertThat(stalled.texts()).isEqualTo(good.texts());
        Fds.close(fd);
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void aHungSinkIsCountedAsUndeliveredAtExitWithinTheFlushBound() throws Exception {
        RecordingSink hung = new RecordingSink(gate); // never opened in this test
        RecordingSink good = new RecordingSink();
        LogBus bus = bus(BusSettings.DEFAULT, sinks("hung", hung, "good", good));
        int fd = bus.attach("web", 0, Stream.STDOUT, List.of("hung", "good"));
        write(fd, lines("web", 0, 10));
        until("the hung sink's worker is in its write", () -> hung.writeCalls.get() == 1);
        write(fd, lines("web", 10, 25));
        Fds.close(fd);
        until("the good sink has every line", () -> good.lineCount() == 25);

        long start = System.nanoTime();
        bus.close(Duration.ofSeconds(5), Duration.ofMillis(500));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMillis).as("the drain ends at once (every pipe closed), then the flush bound").isBetween(450L, 2000L);
        String last = logged().lines().reduce((a, b) -> b).orElse("");
        assertThat(last).as("kinesin's last line names the sink and its count: " + logged())
                .contains("msg=\"undelivered log lines\" sink=hung lines=25");
        assertThat(good.closed).isTrue();
        assertThat(hung.closed).isFalse();
    }

    @Test
    void aCallPastTheDeadlineMakesTheSinkStuckReportedAndCounted() throws Exception {
        RecordingSink hung = new RecordingSink(gate);
        LogBus bus = bus(BusSettings.DEFAULT.withCallDeadline(Duration.ofMillis(300)), sinks("hung", hung));
        int fd = bus.attach("web", 0, Stream.STDOUT, List.of("hung"));
        write(fd, "one\n");
        until("the stuck sink is reported", () -> logged().contains("msg=\"log sink stuck"));
        assertThat(logged()).contains("sink=hung deadline=300ms");
        assertThat(bus.counters().sinkErrors("hung")).isEqualTo(1);
        gate.countDown();
        until("the sink's return is reported", () -> logged().contains("msg=\"log sink returned after being stuck\" sink=hung"));
        write(fd, "two\n");
        until("lines flow again", () -> hung.lineCount() == 2);
        Fds.close(fd);
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void aFailingWriteIsRetriedWithTheSameBatchWithBackoffWhileNewLinesWait() throws Exception {
        RecordingSink flaky = new RecordingSink();
        flaky.failuresLeft.set(3);
        LogBus bus = bus(BusSettings.DEFAULT, sinks("flaky", flaky));
        int fd = bus.attach("web", 0, Stream.STDOUT, List.of("flaky"));
        long start = System.nanoTime();
        write(fd, "first\n");
        until("the first failure is logged", () -> logged().contains("msg=\"log sink failing; retrying its batch with backoff\" sink=flaky"));
        write(fd, "second\nthird\n"); // waits in the queue meanwhile
        Fds.close(fd);
        until("the sink recovers", () -> flaky.lineCount() == 3);
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMillis).as("retries after 100, 200 and 400 ms").isGreaterThanOrEqualTo(700);
        assertThat(flaky.texts()).containsExactly("first", "second", "third");
        assertThat(flaky.batches().getFirst()).extracting(l -> new String(l.text(), StandardCharsets.UTF_8)).containsExactly("first");
        assertThat(flaky.writeCalls.get()).isEqualTo(5); // the first batch four times, then the second
        assertThat(bus.counters().sinkErrors("flaky")).isEqualTo(3);
        assertThat(logged()).contains("msg=\"log sink recovered\" sink=flaky").contains("errors=3").contains("injected failure");
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(flaky.flushed.get()).isPositive();
        assertThat(flaky.closed).isTrue();
        assertThat(logged()).doesNotContain("undelivered");
    }

    @Test
    void anUndeliverableBatchIsDroppedCountedAndTheNextOneGoesOn() throws Exception {
        RecordingSink picky = new RecordingSink();
        picky.undeliverableLeft.set(1);
        LogBus bus = bus(BusSettings.DEFAULT, sinks("picky", picky));
        int fd = bus.attach("web", 0, Stream.STDERR, List.of("picky"));
        write(fd, "rejected one\nrejected two\n");
        until("the drop is reported", () -> logged().contains("msg=\"log lines dropped\" sink=picky"));
        write(fd, "accepted\n");
        Fds.close(fd);
        until("the next batch arrives", () -> picky.lineCount() == 1);
        assertThat(picky.texts()).containsExactly("accepted");
        assertThat(bus.counters().dropped("picky", "web", Stream.STDERR)).isEqualTo(2);
        assertThat(bus.counters().sinkErrors("picky")).isEqualTo(1);
        assertThat(logged()).contains("sink=picky service=web stream=stderr lines=2 reason=\"undeliverable: injected 400 Bad Request\"");
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void reopenIsCalledOnTheSinksOwnThreadBetweenWrites() throws Exception {
        RecordingSink sink = new RecordingSink();
        LogBus bus = bus(BusSettings.DEFAULT, sinks("s", sink));
        int fd = bus.attach("web", 0, Stream.STDOUT, List.of("s"));
        write(fd, "before\n");
        until("the first line arrives", () -> sink.lineCount() == 1);
        Thread worker = sink.caller;
        bus.reopen();
        until("the sink is reopened", () -> sink.reopened.get() == 1);
        assertThat(sink.caller).isSameAs(worker).isNotSameAs(Thread.currentThread());
        write(fd, "after\n");
        until("lines flow on", () -> sink.lineCount() == 2);
        Fds.close(fd);
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void linesAndBytesAreCountedPerServiceAndStream() throws Exception {
        RecordingSink sink = new RecordingSink();
        LogBus bus = bus(BusSettings.DEFAULT, sinks("s", sink));
        int out = bus.attach("web", 0, Stream.STDOUT, List.of("s"));
        int err = bus.attach("web", 1, Stream.STDERR, List.of("s"));
        int other = bus.attach("web", 1, Stream.STDOUT, List.of("s"));
        write(out, "a\nbb\n");
        write(err, "ccc\n");
        write(other, "dddd\n");
        Fds.close(out);
        Fds.close(err);
        Fds.close(other);
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
        LogCounters c = bus.counters();
        assertThat(c.lines("web", Stream.STDOUT)).isEqualTo(3);
        assertThat(c.bytes("web", Stream.STDOUT)).isEqualTo(10);
        assertThat(c.lines("web", Stream.STDERR)).isEqualTo(1);
        assertThat(c.bytes("web", Stream.STDERR)).isEqualTo(4);
        assertThat(c.linesTotal()).hasSize(2);
        assertThat(c.droppedTotal()).isEmpty();
        assertThat(c.sinkErrorsTotal()).as("every sink has its series from the start").containsExactly(Map.entry("s", 0L));
    }
}
