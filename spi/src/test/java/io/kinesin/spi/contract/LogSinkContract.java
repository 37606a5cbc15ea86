package io.kinesin.spi.contract;

import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.Stream;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What every {@link LogSink} must do, whatever its destination. Extend it, make a sink in
 * {@link #newSink()} and read back what it delivered in {@link #delivered()}.
 *
 * <p>The kernel calls a sink from one thread at a time, writes batches in order, flushes when
 * its queue runs empty, and calls {@code flush} then {@code close} at exit; these tests call it
 * the same way.
 */
public abstract class LogSinkContract {

    /**
     * Lines are stamped from the test's start on, as the kernel stamps them: a destination that
     * indexes by time (Grafana Loki answers queries for recent lines from memory) finds them
     * where a user would look.
     */
    private long clock = Instant.now().getEpochSecond() * 1_000_000_000;

    /** A new sink writing to a destination of this test's own (a temp file, a server the test started). */
    protected abstract LogSink newSink() throws Exception;

    /**
     * The text of every line the sink made delivered so far, in order, as a user reading the
     * destination sees it: decoded as UTF-8, ill-formed bytes as U+FFFD. Called after
     * {@code flush} or {@code close} returned; it may wait for an asynchronous destination.
     */
    protected abstract List<String> delivered() throws Exception;

    @Test
    void linesArriveWholeAndInOrder() throws Exception {
        List<LogLine> sent = new ArrayList<>();
        try (LogSink sink = newSink()) {
            List<LogLine> first = List.of(line("web", 0, Stream.STDOUT, "GET / 200"), line("web", 0, Stream.STDERR, ""),
                    line("worker", 2, Stream.STDOUT, "job | \"7\"\tdone\r"), line("web", 0, Stream.STDOUT, "é € 😀"));
            List<LogLine> second = List.of(line("worker", 1, Stream.STDERR, "x".repeat(64 * 1024)), line("web", 0, Stream.STDOUT, "last"));
            sink.write(first);
            sink.write(second);
            sink.flush();
            sent.addAll(first);
            sent.addAll(second);
        }
        assertThat(delivered()).containsExactlyElementsOf(expected(sent));
    }

    /** The kernel hands batches over as {@link io.kinesin.spi.FramedLines}: the same lines, whichever way the sink reads them. */
    @Test
    void aBatchAsTheKernelFramesItArrivesAsItsLines() throws Exception {
        List<LogLine> out = new ArrayList<>();
        List<LogLine> err = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            out.add(line("web", 1, Stream.STDOUT, "line " + i + " é " + "z".repeat(i % 90)));
        }
        err.add(new LogLine("web", 1, Stream.STDERR, next(), "a".repeat(100).getBytes(StandardCharsets.UTF_8), true));
        err.add(line("web", 1, Stream.STDERR, "the rest"));
        try (LogSink sink = newSink()) {
            sink.write(FramedBatch.of(out));
            sink.write(FramedBatch.of(err));
            sink.flush();
        }
        List<LogLine> sent = new ArrayList<>(out);
        sent.addAll(err);
        assertThat(delivered()).containsExactlyElementsOf(expected(sent));
    }

    @Test
    void anEmptyBatchDeliversNothing() throws Exception {
        try (LogSink sink = newSink()) {
            sink.write(List.of());
            sink.flush();
            assertThat(delivered()).isEmpty();
            sink.write(List.of(line("web", 0, Stream.STDOUT, "after nothing")));
            sink.write(List.of());
            sink.flush();
        }
        assertThat(delivered()).containsExactly(expected("after nothing"));
    }

    @Test
    void aLargeBatchArrivesWhole() throws Exception {
        List<LogLine> batch = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            batch.add(line("web", i % 3, i % 2 == 0 ? Stream.STDOUT : Stream.STDERR, "line " + i + " " + "y".repeat(i % 200)));
        }
        try (LogSink sink = newSink()) {
            sink.write(batch);
            sink.flush();
        }
        assertThat(delivered()).containsExactlyElementsOf(expected(batch));
    }

    @Test
    void bytesThatAreNotUtf8StayInTheirLine() throws Exception {
        List<LogLine> batch = List.of(
                line("web", 0, Stream.STDOUT, new byte[] {'a', (byte) 0xff, 'b'}),
                line("web", 0, Stream.STDOUT, new byte[] {(byte) 0xc3}), // a character cut short at the end
                line("web", 0, Stream.STDOUT, new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80, '|', (byte) 0x80}),
                line("web", 0, Stream.STDOUT, "next"));
        try (LogSink sink = newSink()) {
            sink.write(batch);
            sink.flush();
        }
        assertThat(delivered()).containsExactlyElementsOf(expected(batch));
    }

    @Test
    void eachPieceOfACutLineIsALine() throws Exception {
        LogLine head = new LogLine("web", 0, Stream.STDOUT, next(), "a".repeat(100).getBytes(StandardCharsets.UTF_8), true);
        LogLine tail = line("web", 0, Stream.STDOUT, "the rest");
        try (LogSink sink = newSink()) {
            sink.write(List.of(head, tail));
            sink.flush();
        }
        assertThat(delivered()).containsExactly(expected("a".repeat(100)), expected("the rest"));
    }

    @Test
    void flushingTwiceDeliversOnce() throws Exception {
        try (LogSink sink = newSink()) {
            sink.write(List.of(line("web", 0, Stream.STDOUT, "once")));
            sink.flush();
            sink.flush();
        }
        assertThat(delivered()).containsExactly(expected("once"));
    }

    @Test
    void closingTwiceIsHarmlessAndLosesNothing() throws Exception {
        LogSink sink = newSink();
        sink.write(List.of(line("web", 0, Stream.STDOUT, "before close")));
        sink.flush();
        sink.close();
        assertThatCode(sink::close).doesNotThrowAnyException();
        assertThat(delivered()).containsExactly(expected("before close"));
    }

    @Test
    void aSinkThatNeverWroteClosesCleanly() throws Exception {
        LogSink sink = newSink();
        sink.flush();
        sink.close();
        assertThat(delivered()).isEmpty();
    }

    @Test
    void afterCloseWriteIsRejectedAndTheRestDoesNothing() throws Exception {
        LogSink sink = newSink();
        sink.close();
        assertThatThrownBy(() -> sink.write(List.of(line("web", 0, Stream.STDOUT, "too late"))))
                .isInstanceOf(IllegalStateException.class);
        assertThatCode(() -> {
            sink.flush();
            sink.reopen();
            sink.close();
        }).doesNotThrowAnyException();
        assertThat(delivered()).isEmpty();
    }

    @Test
    void reopeningBetweenBatchesLosesAndRepeatsNothing() throws Exception {
        try (LogSink sink = newSink()) {
            sink.write(List.of(line("web", 0, Stream.STDOUT, "before")));
            sink.reopen();
            sink.write(List.of(line("web", 0, Stream.STDOUT, "after")));
            sink.flush();
        }
        assertThat(delivered()).containsExactly(expected("before"), expected("after"));
    }

    /**
     * The kernel makes a sink on one thread and calls it on its worker, and may replace the
     * worker: a sink must not be tied to a thread, though it is never called from two at once.
     */
    @Test
    void callsMayComeFromAnyThreadOneAtATime() throws Exception {
        LogSink sink = newSink();
        List<LogLine> sent = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            ExecutorService worker = Executors.newSingleThreadExecutor();
            try {
                List<LogLine> batch = List.of(line("web", 0, Stream.STDOUT, "from worker " + t), line("web", 1, Stream.STDERR, "and " + t));
                sent.addAll(batch);
                worker.submit(() -> {
                    sink.write(batch);
                    sink.flush();
                    return null;
                }).get();
            } finally {
                worker.shutdown();
            }
        }
        ExecutorService closer = Executors.newSingleThreadExecutor();
        try {
            closer.submit(() -> {
                sink.close();
                return null;
            }).get();
        } finally {
            closer.shutdown();
        }
        assertThat(delivered()).containsExactlyElementsOf(expected(sent));
    }

    /** A line as the log bus hands it over: {@code at} strictly increasing, as the kernel stamps it. */
    protected final LogLine line(String service, int instance, Stream stream, String text) {
        return line(service, instance, stream, text.getBytes(StandardCharsets.UTF_8));
    }

    protected final LogLine line(String service, int instance, Stream stream, byte[] text) {
        return new LogLine(service, instance, stream, next(), text, false);
    }

    /**
     * What {@link #delivered()} should show for a line whose text decodes (as UTF-8, ill-formed
     * bytes as U+FFFD) to {@code text}: the text itself, unless the sink's purpose is to change
     * it (a sink that redacts or upper-cases overrides this).
     */
    protected String expected(String text) {
        return text;
    }

    private List<String> expected(List<LogLine> lines) {
        return lines.stream().map(l -> expected(l.string())).toList();
    }

    /**
     * {@code content} split at each {@code \n} (which ends every line), each line decoded as
     * UTF-8: the reading of a file a sink wrote in the {@code raw} format.
     */
    protected static List<String> lines(byte[] content) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < content.length; i++) {
            if (content[i] == '\n') {
                lines.add(new String(content, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        assertThat(start).as("the content ends with a whole line, not %s", Arrays.toString(
                Arrays.copyOfRange(content, start, Math.min(content.length, start + 40)))).isEqualTo(content.length);
        return lines;
    }

    private Instant next() {
        clock += 1_000; // a microsecond apart: distinct, increasing
        return Instant.ofEpochSecond(0, clock);
    }
}
