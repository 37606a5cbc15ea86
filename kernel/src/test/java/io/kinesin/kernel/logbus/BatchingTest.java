package io.kinesin.kernel.logbus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.spi.LineFormat;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static io.kinesin.kernel.logbus.FileBus.until;
import static io.kinesin.kernel.logbus.FileBus.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the pump makes of a stream: batches as {@code buffer} says, lines stamped with the time
 * they were read (strictly increasing), and lines longer than {@code max-line} cut into flagged
 * pieces that never split a UTF-8 character, in each console format.
 */
@Timeout(60)
class BatchingTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final Log log = new Log(Log.Format.LOGFMT, Log.Level.WARN, logged);

    private LogBus bus(BusSettings settings, RecordingSink sink) {
        return new LogBus(Map.of("s", sink), settings, log);
    }

    private static BusSettings buffer(int lines, int bytes, Duration flush) {
        return BusSettings.DEFAULT.withOutput("web", Stream.STDOUT,
                new Output(List.of("s"), new Output.Buffer(lines, bytes, flush), Output.Overflow.BLOCK));
    }

    private static String lines(int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append("line ").append(i).append('\n');
        }
        return sb.toString();
    }

    @Test
    void aBatchGoesOutWhenItHoldsBufferLinesLines() {
        RecordingSink sink = new RecordingSink();
        LogBus bus = bus(buffer(10, 1 << 20, Duration.ofHours(1)), sink);
        int fd = bus.attach("web", 0, Stream.STDOUT, List.of("s"));
        write(fd, lines(0, 25)); // one read
        until("two full batches arrive", () -> sink.batches().size() == 2);
        assertThat(sink.batches()).extracting(List::size).containsExactly(10, 10);
        assertThat(sink.lineCount()).as("the last five wait for a full batch, or their flush an hour away").isEqualTo(20);
        Fds.close(fd);
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(sink.batches()).extracting(List::size).containsExactly(10, 10, 5);
        assertThat(sink.texts()).isEqualTo(lines(0, 25).lines().toList());
    }

    @Test
    void aBatchGoesOutWhenItHoldsBufferBytesBytes() {
        RecordingSink sink = new RecordingSink();
        LogBus bus = bus(buffer(1000, 100, Duration.ofHours(1)), sink);
        int fd = bus.attach("web", 0, Stream.STDOUT, List.of("s"));
        String thirty = "x".repeat(29) + "\n"; // 30 bytes with its newline: the fourth line reaches 100
        write(fd, thirty.repeat(10));
        until("two batches arrive", () -> sink.batches().size() == 2);
        assertThat(sink.batches()).extracting(List::size).containsExactly(4, 4);
        Fds.close(fd);
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(sink.batches()).extracting(List::size).containsExactly(4, 4, 2);
    }

    @Test
    void aBatchGoesOutFlushAfterItsFirstLineWithTheLinesThatCameMeanwhile() {
        RecordingSink sink = new RecordingSink();
        Duration flush = Duration.ofMillis(300);
        LogBus bus = bus(buffer(1000, 1 << 20, flush), sink);
        int fd = bus.attach("web", 0, Stream.STDOUT, List.of("s"));
        long written = System.nanoTime();
        write(fd, "first\n");
        until("the pump has read the first line", () -> bus.bytesRead() == 6);
        write(fd, "second\n");
        until("the batch arrives", () -> sink.batches().size() == 1);
        long after = sink.arrivals().getFirst() - written;
        assertThat(after).as("not before flush").isGreaterThanOrEqualTo(flush.toNanos());
        assertThat(after).as("and soon after").isLessThan(flush.toNanos() + Duration.ofSeconds(2).toNanos());
        assertThat(sink.texts()).containsExactly("first", "second");
        Fds.close(fd);
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void byDefaultALineGoesOutAtTheEndOfTheReadThatBroughtIt() {
        RecordingSink sink = new RecordingSink();
        LogBus bus = bus(BusSettings.DEFAULT, sink);
        int fd = bus.attach("web", 0, Stream.STDOUT, List.of("s"));
        long written = System.nanoTime();
        write(fd, "$ prompt answer\n");
        until("the line arrives", () -> sink.lineCount() == 1);
        assertThat(sink.arrivals().getFirst() - written).as("at once, for a person at a terminal")
                .isLessThan(Duration.ofSeconds(1).toNanos());
        Fds.close(fd);
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void linesAreStampedWithTheReadTimeStrictlyIncreasingEvenWhenTheClockStandsStill() {
        RecordingSink sink = new RecordingSink();
        long base = Instant.parse("2026-11-28T10:00:00Z").getEpochSecond() * 1_000_000_000L;
        AtomicLong clock = new AtomicLong(base);
        LogBus bus = new LogBus(Map.of("s", sink), BusSettings.DEFAULT, log, clock::get, () -> { });
        int fd = bus.attach("web", 0, Stream.STDOUT, List.of("s"));
        write(fd, lines(0, 3));
        until("the first read is framed", () -> sink.lineCount() == 3);
        write(fd, lines(3, 5)); // the clock has not moved
        until("the second read is framed", () -> sink.lineCount() == 5);
        clock.set(base + 1_000); // moved, but less than the lines already stamped need
        write(fd, "later\n");
        until("the third read is framed", () -> sink.lineCount() == 6);
        clock.set(base + 5_000_000_000L);
        write(fd, "much later\n");
        Fds.close(fd);
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(sink.lines()).extracting(LogLine::at).containsExactly(
                Instant.ofEpochSecond(0, base), Instant.ofEpochSecond(0, base + 1), Instant.ofEpochSecond(0, base + 2),
                Instant.ofEpochSecond(0, base + 3), Instant.ofEpochSecond(0, base + 4), Instant.ofEpochSecond(0, base + 1_000),
                Instant.ofEpochSecond(0, base + 5_000_000_000L));
        assertThat(sink.lines()).allMatch(l -> l.service().equals("web") && l.instance() == 0 && l.stream() == Stream.STDOUT);
    }

    @Test
    void aLineLongerThanMaxLineIsCutAndEveryPieceButTheLastIsFlagged() {
        RecordingSink sink = new RecordingSink();
        LogBus bus = bus(BusSettings.DEFAULT.withMaxLine(100), sink);
        int fd = bus.attach("web", 0, Stream.STDOUT, List.of("s"));
        String line = "a".repeat(100) + "b".repeat(100) + "c".repeat(50);
        write(fd, line.substring(0, 30)); // the long line arrives in several reads
        until("the pump read it", () -> bus.bytesRead() == 30);
        write(fd, line.substring(30) + "\n" + "d".repeat(100) + "\nshort\n");
        Fds.close(fd);
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(sink.texts()).containsExactly("a".repeat(100), "b".repeat(100), "c".repeat(50), "d".repeat(100), "short");
        assertThat(sink.lines()).extracting(LogLine::cut).containsExactly(true, true, false, false, false);
        assertThat(bus.counters().lines("web", Stream.STDOUT)).isEqualTo(5);
    }

    @Test
    void aCutNeverSplitsAUtf8Character() {
        RecordingSink sink = new RecordingSink();
        LogBus bus = bus(BusSettings.DEFAULT.withMaxLine(100), sink);
        int fd = bus.attach("web", 0, Stream.STDOUT, List.of("s"));
        // 99 bytes, then é (2 bytes) across the 100th, then 98 bytes, then 🚀 (4 bytes) across the 200th
        String line = "a".repeat(99) + "\u00e9" + "b".repeat(97) + "\ud83d\ude80" + "c".repeat(10);
        write(fd, line + "\n");
        Fds.close(fd);
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
        List<String> pieces = sink.texts();
        assertThat(String.join("", pieces)).isEqualTo(line);
        assertThat(pieces).containsExactly("a".repeat(99), "\u00e9" + "b".repeat(97), "\ud83d\ude80" + "c".repeat(10));
        for (LogLine l : sink.lines()) {
            assertThat(l.text().length).isLessThanOrEqualTo(100);
            assertThat(l.string()).doesNotContain("\ufffd");
        }
    }

    @Test
    void howACutLineShowsInEachFormat() throws Exception {
        Map<LineFormat, Path> files = Map.of(LineFormat.PREFIXED, dir.resolve("prefixed.log"),
                LineFormat.JSON, dir.resolve("json.log"), LineFormat.RAW, dir.resolve("raw.log"));
        Map<String, LogSink> sinks = new java.util.LinkedHashMap<>();
        files.forEach((format, file) -> sinks.put(format.label(), FileBus.file(format.label(), file, format, service -> true).sink()));
        LogBus bus = new LogBus(sinks, BusSettings.DEFAULT.withMaxLine(64), log);
        int fd = bus.attach("web", 2, Stream.STDERR, List.of("prefixed", "json", "raw"));
        String piece = "\u00e9".repeat(32); // 64 bytes
        write(fd, piece + piece + "end\nnext\n");
        Fds.close(fd);
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));

        assertThat(Files.readAllLines(files.get(LineFormat.PREFIXED)))
                .containsExactly("web.2 + " + piece, "web.2 + " + piece, "web.2 | end", "web.2 | next");
        assertThat(Files.readAllLines(files.get(LineFormat.RAW))).containsExactly(piece, piece, "end", "next");
        List<JsonNode> json = Files.readAllLines(files.get(LineFormat.JSON)).stream().map(l -> {
            try {
                return JSON.readTree(l);
            } catch (Exception e) {
                throw new AssertionError(l, e);
            }
        }).toList();
        assertThat(json).extracting(n -> n.get("line").asText()).containsExactly(piece, piece, "end", "next");
        assertThat(json).extracting(n -> n.path("cut").asBoolean(false)).containsExactly(true, true, false, false);
        List<String> fields = new java.util.ArrayList<>();
        json.get(2).fieldNames().forEachRemaining(fields::add);
        assertThat(fields).as("a line that was not cut has no cut field").containsExactly("ts", "service", "instance", "stream", "line");
        assertThat(json.get(0).get("stream").asText()).isEqualTo("stderr");
        assertThat(json.get(0).get("instance").asInt()).isEqualTo(2);
    }

    @Test
    void jsonTimestampsAreTheReadTimeWithNanoseconds() throws Exception {
        Path file = dir.resolve("json.log");
        long at = Instant.parse("2026-11-28T10:00:00.123456789Z").getEpochSecond() * 1_000_000_000L + 123_456_789;
        LogBus bus = new LogBus(Map.of("j", FileBus.file("j", file, LineFormat.JSON).sink()),
                BusSettings.DEFAULT, log, () -> at, () -> { });
        int fd = bus.attach("web", 0, Stream.STDOUT, List.of("j"));
        write(fd, "one\ntwo\n");
        Fds.close(fd);
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(Files.readAllLines(file)).extracting(l -> JSON.readTree(l).get("ts").asText())
                .containsExactly("2026-11-28T10:00:00.123456789Z", "2026-11-28T10:00:00.123456790Z");
    }
}
