package io.kinesin.kernel.logbus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.spi.LineFormat;
import io.kinesin.spi.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static io.kinesin.kernel.logbus.FileBus.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What each sink format looks like in a file, as INTERFACE.md section 2 describes the
 * {@code console} sink: {@code prefixed}, {@code json}, {@code raw}.
 */
@Timeout(60) // a pump or close() that hangs fails the test instead of hanging the build
class SinkFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void prefixedIsServiceBarText() {
        FileBus b = new FileBus(dir, LineFormat.PREFIXED);
        int out = b.bus.attach("web", 0, Stream.STDOUT, List.of("file"));
        int err = b.bus.attach("web", 0, Stream.STDERR, List.of("file"));
        b.send(out, "listening on :8080\n");
        b.awaitRead();
        b.send(err, "warning: slow disk\n");
        Fds.close(out);
        Fds.close(err);
        assertThat(new String(b.closeAndRead(), StandardCharsets.UTF_8))
                .isEqualTo("web | listening on :8080\nweb | warning: slow disk\n");
    }

    @Test
    void prefixedNamesTheInstanceWhenThereAreSeveral() {
        FileBus b = new FileBus(dir, LineFormat.PREFIXED, service -> true);
        int second = b.bus.attach("web", 2, Stream.STDOUT, List.of("file"));
        write(second, "worker booted\n");
        Fds.close(second);
        assertThat(new String(b.closeAndRead(), StandardCharsets.UTF_8)).isEqualTo("web.2 | worker booted\n");
    }

    @Test
    void aConsoleSinkOnAnFdThatIsNoTerminalHasNoColours() throws Exception {
        // The console sink is an fd (kinesin's 1 or 2); here that fd is a file, like `kinesin ... > out.log`.
        Path file = dir.resolve("stdout.log");
        int fd = Fds.openAppend(file.toString().getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        LogBus bus = FileBus.bus(new Log(Log.Format.LOGFMT, Log.Level.WARN, logged),
                FileBus.console("console", fd, LineFormat.PREFIXED, service -> service.equals("db")));
        try {
            int web = bus.attach("web", 0, Stream.STDOUT, List.of("console"));
            int db = bus.attach("db", 1, Stream.STDERR, List.of("console"));
            write(web, "hello\n");
            write(db, "ready\n");
            Fds.close(web);
            Fds.close(db);
            bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
            assertThat(FileBus.lines(Files.readAllBytes(file))).containsExactlyInAnyOrder("web | hello", "db.1 | ready");
            assertThat(logged.size()).isZero();
        } finally {
            Fds.close(fd);
        }
    }

    @Test
    void aConsoleSinkLeavesItsFdOpen() throws Exception {
        Path file = dir.resolve("stdout.log");
        int fd = Fds.openAppend(file.toString().getBytes(StandardCharsets.UTF_8));
        try {
            LogBus bus = FileBus.bus(new Log(Log.Format.LOGFMT, Log.Level.WARN, new ByteArrayOutputStream()),
                    FileBus.console("console", fd, LineFormat.RAW));
            int web = bus.attach("web", 0, Stream.STDOUT, List.of("console"));
            write(web, "child\n");
            Fds.close(web);
            bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
            write(fd, "kinesin's own stdout still works\n"); // kinesin's fd 1 outlives the bus
            assertThat(Files.readString(file)).isEqualTo("child\nkinesin's own stdout still works\n");
        } finally {
            Fds.close(fd);
        }
    }

    @Test
    void jsonIsOneObjectPerLineWithTsServiceInstanceStreamLine() throws Exception {
        List<String> texts = List.of(
                "plain ascii",
                "caf\u00e9 \u65e5\u672c\u8a9e \u2713 emoji \ud83d\ude80",
                "quote \" backslash \\ slash /",
                "tab\there, cr\rthere, nul\u0000, bell\u0007, esc\u001b[31m, unit sep\u001f, del\u007f",
                "{\"looks\":\"like json\"}",
                "");
        FileBus b = new FileBus(dir, LineFormat.JSON);
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        int fd = b.bus.attach("web", 2, Stream.STDERR, List.of("file"));
        for (String text : texts) {
            write(fd, text + "\n");
        }
        Fds.close(fd);
        byte[] out = b.closeAndRead();
        Instant after = Instant.now();

        List<String> lines = FileBus.lines(out);
        assertThat(lines).hasSize(texts.size());
        for (int i = 0; i < lines.size(); i++) {
            String raw = lines.get(i);
            assertThat(raw.chars()).as("control characters are escaped in %s", raw).allMatch(c -> c >= 0x20);
            JsonNode node = JSON.readTree(raw);
            List<String> fields = new ArrayList<>();
            node.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("ts", "service", "instance", "stream", "line");
            assertThat(Instant.parse(node.get("ts").asText())).isBetween(before, after);
            assertThat(node.get("service").asText()).isEqualTo("web");
            assertThat(node.get("instance").isInt()).isTrue();
            assertThat(node.get("instance").asInt()).isEqualTo(2);
            assertThat(node.get("stream").asText()).isEqualTo("stderr");
            assertThat(node.get("line").asText()).isEqualTo(texts.get(i));
        }
    }

    @Test
    void jsonStaysValidForBytesThatAreNotUtf8() throws Exception {
        FileBus b = new FileBus(dir, LineFormat.JSON);
        int fd = b.attach("web");
        write(fd, new byte[] {'b', 'a', 'd', ' ', (byte) 0xff, (byte) 0xc3, ' ', 'e', 'n', 'd', '\n'});
        Fds.close(fd);
        List<String> lines = FileBus.lines(b.closeAndRead());
        assertThat(lines).hasSize(1);
        JsonNode node = JSON.readTree(lines.getFirst());
        assertThat(node.get("line").asText()).startsWith("bad ").endsWith(" end");
        assertThat(node.get("stream").asText()).isEqualTo("stdout");
        assertThat(node.get("instance").asInt()).isZero();
    }

    @Test
    void rawIsByteExactExceptForNewlineFraming() {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        Random random = new Random(42);
        for (int line = 0; line < 200; line++) {
            byte[] b = new byte[random.nextInt(300)];
            random.nextBytes(b);
            for (int i = 0; i < b.length; i++) {
                if (b[i] == '\n') {
                    b[i] = (byte) 0x8a;
                }
            }
            expected.writeBytes(b);
            expected.write('\n');
        }
        expected.writeBytes(new byte[] {0, '\r', (byte) 0xff, (byte) 0xfe, 0x1b, '[', 'm', '\r', '\n'});
        byte[] all = expected.toByteArray();

        FileBus b = new FileBus(dir, LineFormat.RAW);
        int fd = b.attach("web");
        for (int off = 0; off < all.length; off += 777) {
            write(fd, Arrays.copyOfRange(all, off, Math.min(all.length, off + 777)));
        }
        Fds.close(fd);
        assertThat(b.closeAndRead()).isEqualTo(all);
    }

    @Test
    void oneSourceCanFeedSeveralSinksEachInItsOwnFormat() throws Exception {
        Path rawFile = dir.resolve("raw.log");
        Path jsonFile = dir.resolve("json.log");
        LogBus bus = FileBus.bus(new Log(Log.Format.LOGFMT, Log.Level.WARN, new ByteArrayOutputStream()),
                FileBus.file("raw", rawFile, LineFormat.RAW),
                FileBus.file("json", jsonFile, LineFormat.JSON));
        int fd = bus.attach("web", 0, Stream.STDOUT, List.of("raw", "json"));
        write(fd, "to both\n");
        Fds.close(fd);
        bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
        assertThat(Files.readString(rawFile)).isEqualTo("to both\n");
        assertThat(JSON.readTree(Files.readString(jsonFile)).get("line").asText()).isEqualTo("to both");
    }
}
