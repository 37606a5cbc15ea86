package io.kinesin.spi;

import io.kinesin.spi.contract.FramedBatch;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LineFormatTest {

    private static final Instant AT = Instant.parse("2026-11-22T02:13:00.120999999Z");

    @Test
    void rawIsTheBytesAndANewline() {
        assertThat(encode(LineFormat.RAW, line("web", 0, "hello \033[1mworld"))).isEqualTo("hello \033[1mworld\n");
        assertThat(encode(LineFormat.RAW, line("web", 0, ""))).isEqualTo("\n");
    }

    @Test
    void prefixedNamesTheServiceAndTheInstanceOfAReplicatedOne() {
        LineFormat.Encoder encoder = LineFormat.PREFIXED.encoder(s -> s.equals("worker"), false);
        assertThat(encode(encoder, line("web", 0, "GET /"))).isEqualTo("web | GET /\n");
        assertThat(encode(encoder, line("worker", 2, "job 7"))).isEqualTo("worker.2 | job 7\n");
        assertThat(encode(encoder, line("worker", 0, "job 8"))).isEqualTo("worker.0 | job 8\n");
    }

    @Test
    void colourWrapsTheNameOnly() {
        LineFormat.Encoder encoder = LineFormat.PREFIXED.encoder(s -> false, true);
        String out = encode(encoder, line("web", 0, "up"));
        assertThat(out).matches("\033\\[\\d\\dmweb\033\\[0m \\| up\n");
        // one colour per service, whatever the line
        assertThat(encode(encoder, line("web", 0, "again"))).startsWith(out.substring(0, 5));
        // colour means nothing to the other formats
        assertThat(encode(LineFormat.JSON.encoder(s -> false, true), line("web", 0, "x"))).doesNotContain("\033");
    }

    @Test
    void jsonIsOneObjectPerLine() {
        assertThat(encode(LineFormat.JSON, new LogLine("web", 1, Stream.STDERR, AT, utf8("say \"hi\"\t\\ \u0001\u007f é 😀"), false)))
                .isEqualTo("{\"ts\":\"2026-11-22T02:13:00.120999999Z\",\"service\":\"web\",\"instance\":1,\"stream\":\"stderr\","
                        + "\"line\":\"say \\\"hi\\\"\\t\\\\ \\u0001\\u007f é 😀\"}\n");
    }

    @Test
    void jsonFlagsACutPiece() {
        assertThat(encode(LineFormat.JSON, new LogLine("web", 0, Stream.STDOUT, AT, utf8("aaaa"), true)))
                .isEqualTo("{\"ts\":\"2026-11-22T02:13:00.120999999Z\",\"service\":\"web\",\"instance\":0,\"stream\":\"stdout\","
                        + "\"line\":\"aaaa\",\"cut\":true}\n");
    }

    @Test
    void jsonReplacesEachIllFormedSequenceByOneReplacementCharacter() {
        // a stray continuation, an overlong (2), a surrogate (1, as the JDK counts it), a lead cut short,
        // beyond U+10FFFF (4), a 4-byte char cut short by the end of the line
        byte[] text = HexFormat.of().parseHex("61" + "80" + "c0af" + "eda080" + "e282" + "41" + "f4908080" + "f09f98");
        String out = encode(LineFormat.JSON, new LogLine("web", 0, Stream.STDOUT, AT, text, false));
        assertThat(out).contains("\"line\":\"a\uFFFD\uFFFD\uFFFD\uFFFD\uFFFDA\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD\"");
        assertThat(out).contains("\"line\":\"" + new String(text, StandardCharsets.UTF_8) + "\"");
    }

    @Test
    void timestampsOutsideFourDigitYearsAreWrittenAsJavaTimeWritesThem() {
        for (String at : new String[] {"1970-01-01T00:00:00Z", "1969-12-31T23:59:59.999Z", "2000-02-29T12:00:00.001Z",
            "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z", "+10000-01-01T00:00:00Z", "-0001-06-01T00:00:00Z"}) {
            Instant instant = Instant.parse(at);
            String out = encode(LineFormat.JSON, new LogLine("s", 0, Stream.STDOUT, instant, new byte[0], false));
            assertThat(out).as(at).startsWith("{\"ts\":\"" + KernelConsoleFormat.timestamp(instant) + "\",");
        }
    }

    /** The promise the console's rewrite relies on: for the same line, the same bytes as before. */
    @Test
    void everyFormatWritesWhatTheKernelConsoleWroteForRandomLines() {
        Random random = new Random(42);
        String[] services = {"web", "worker", "é-svc", "q\"uote", "tab\there", "hook:web:alert", "😀"};
        for (int i = 0; i < 30_000; i++) {
            String service = services[random.nextInt(services.length)];
            boolean replicated = service.hashCode() % 2 == 0;
            int instance = random.nextInt(12);
            Instant at = Instant.ofEpochSecond(random.nextLong(-5_000_000_000L, 20_000_000_000L), random.nextInt(1_000_000_000));
            LogLine line = new LogLine(service, instance, random.nextBoolean() ? Stream.STDOUT : Stream.STDERR, at,
                    randomText(random), random.nextInt(8) == 0);
            String display = replicated ? service + "." + instance : service;
            for (LineFormat format : LineFormat.values()) {
                for (boolean colour : new boolean[] {false, true}) {
                    if (colour && format != LineFormat.PREFIXED) {
                        continue;
                    }
                    LineBuffer out = new LineBuffer(4);
                    format.encoder(s -> s.hashCode() % 2 == 0, colour).append(line, out);
                    assertThat(Arrays.copyOf(out.array(), out.size()))
                            .as("%s colour=%s text=%s", format, colour, HexFormat.of().formatHex(line.text()))
                            .isEqualTo(KernelConsoleFormat.format(format, colour, display, line));
                }
            }
        }
    }

    @Test
    void prefixedMarksACutPieceWithAPlus() {
        assertThat(encode(LineFormat.PREFIXED, new LogLine("web", 0, Stream.STDOUT, AT, utf8("aaaa"), true))).isEqualTo("web + aaaa\n");
    }

    /** The kernel's batches take the bulk path: the same bytes, and every line's end marked. */
    @Test
    void appendAllOfFramedLinesWritesWhatAppendWritesLineByLine() {
        Random random = new Random(7);
        for (int round = 0; round < 300; round++) {
            FramedBatch framed = randomBatch(random, round % 3 == 0 ? "web" : "é-svc", random.nextInt(4));
            int from = random.nextInt(framed.size() + 1);
            for (LineFormat format : LineFormat.values()) {
                LineBuffer bulk = new LineBuffer(4);
                bulk.put(utf8("#\n"));
                bulk.endLine();
                format.encoder(s -> true, false).appendAll(framed, from, bulk);
                LineBuffer single = new LineBuffer(4);
                single.put(utf8("#\n"));
                single.endLine();
                LineFormat.Encoder one = format.encoder(s -> true, false);
                for (int i = from; i < framed.size(); i++) {
                    one.append(framed.get(i), single);
                }
                assertThat(Arrays.copyOf(bulk.array(), bulk.size())).as("%s round %d", format, round)
                        .isEqualTo(Arrays.copyOf(single.array(), single.size()));
                assertThat(bulk.lines()).isEqualTo(single.lines()).isEqualTo(1 + framed.size() - from);
                for (int i = 0; i < bulk.lines(); i++) {
                    assertThat(bulk.lineEnd(i)).isEqualTo(single.lineEnd(i));
                    assertThat(bulk.array()[bulk.lineEnd(i) - 1]).isEqualTo((byte) '\n');
                }
            }
        }
    }

    @Test
    void truncateForgetsTheEndsOfLinesItCutAway() {
        LineBuffer out = new LineBuffer(4);
        LineFormat.Encoder raw = LineFormat.RAW.encoder(s -> false, false);
        raw.append(line("web", 0, "one"), out);
        raw.append(line("web", 0, "two"), out);
        out.truncate(4);
        assertThat(out.lines()).isEqualTo(1);
        assertThat(out.lineEnd(0)).isEqualTo(4);
        out.clear();
        assertThat(out.lines()).isZero();
    }

    private static FramedBatch randomBatch(Random random, String service, int instance) {
        List<LogLine> lines = new java.util.ArrayList<>();
        long t = random.nextLong(0, 4_000_000_000_000_000_000L);
        for (int i = 1 + random.nextInt(20); i > 0; i--) {
            byte[] text = randomText(random);
            for (int j = 0; j < text.length; j++) {
                if (text[j] == '\n') {
                    text[j] = ' ';
                }
            }
            t += random.nextInt(2_000_000_000);
            lines.add(new LogLine(service, instance, Stream.STDERR, Instant.ofEpochSecond(0, t), text, random.nextInt(5) == 0));
        }
        return FramedBatch.of(lines);
    }

    /** Every sequence of up to four bytes drawn from the bytes where UTF-8's rules change. */
    @Test
    void illFormedBytesBecomeReplacementCharactersExactlyAsTheJdkDecodesThem() {
        int[] boundaries = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed,
            0xef, 0xf0, 0xf1, 0xf4, 0xf5, 0xf8, 0xff};
        LineFormat.Encoder json = LineFormat.JSON.encoder(s -> false, false);
        LineBuffer out = new LineBuffer();
        int checked = 0;
        for (int length = 1; length <= 4; length++) {
            int[] digits = new int[length];
            byte[] text = new byte[length];
            while (true) {
                for (int i = 0; i < length; i++) {
                    text[i] = (byte) boundaries[digits[i]];
                }
                LogLine line = new LogLine("s", 0, Stream.STDOUT, AT, text.clone(), false);
                out.clear();
                json.append(line, out);
                byte[] expected = KernelConsoleFormat.format(LineFormat.JSON, false, "s", line);
                if (!Arrays.equals(out.array(), 0, out.size(), expected, 0, expected.length)) {
                    throw new AssertionError(HexFormat.of().formatHex(text) + ": " + new String(out.array(), 0, out.size(), StandardCharsets.UTF_8)
                            + " but the JDK decodes " + new String(expected, StandardCharsets.UTF_8));
                }
                checked++;
                int d = length - 1;
                while (d >= 0 && ++digits[d] == boundaries.length) {
                    digits[d--] = 0;
                }
                if (d < 0) {
                    break;
                }
            }
        }
        assertThat(checked).isEqualTo(23 + 23 * 23 + 23 * 23 * 23 + 23 * 23 * 23 * 23);
    }

    @Test
    void aBufferHoldsManyLinesAndTheEncoderUndoesAHalfWrittenOne() {
        LineBuffer out = new LineBuffer(0);
        LineFormat.Encoder raw = LineFormat.RAW.encoder(s -> false, false);
        for (int i = 0; i < 1000; i++) {
            raw.append(line("web", 0, "line " + i), out);
        }
        assertThat(new String(out.array(), 0, out.size(), StandardCharsets.UTF_8)).startsWith("line 0\nline 1\n").endsWith("line 999\n");
        int before = out.size();
        LineFormat.Encoder failing = LineFormat.PREFIXED.encoder(s -> {
            throw new IllegalStateException("replicas unknown");
        }, false);
        assertThatThrownBy(() -> failing.append(line("web", 0, "x"), out)).isInstanceOf(IllegalStateException.class);
        assertThat(out.size()).isEqualTo(before);
    }

    @Test
    void formatsAreNamedAsTheConfigFileWritesThem() {
        assertThat(LineFormat.of("raw")).isEqualTo(LineFormat.RAW);
        assertThat(LineFormat.of("JSON")).isEqualTo(LineFormat.JSON);
        assertThat(LineFormat.PREFIXED.label()).isEqualTo("prefixed");
        assertThatThrownBy(() -> LineFormat.of("xml")).hasMessage("\"xml\" is no line format; use raw, prefixed or json");
    }

    @Test
    void aCutNeverSplitsACharacter() {
        Random random = new Random(7);
        String[] chars = {"a", "é", "€", "😀"};
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int n = random.nextInt(1, 40); n > 0; n--) {
                sb.append(chars[random.nextInt(chars.length)]);
            }
            byte[] text = utf8(sb.toString());
            int max = random.nextInt(4, 30);
            int offset = 0;
            StringBuilder rejoined = new StringBuilder();
            while (offset < text.length) {
                int n = LineFormat.cut(text, offset, text.length - offset, max);
                assertThat(n).isBetween(Math.min(max, text.length - offset) - 3, max);
                String piece = new String(text, offset, n, StandardCharsets.UTF_8);
                assertThat(piece).doesNotContain("\uFFFD");
                rejoined.append(piece);
                offset += n;
            }
            assertThat(rejoined.toString()).isEqualTo(sb.toString());
        }
        // ill-formed bytes are cut where the limit falls: they are U+FFFD in any case
        assertThat(LineFormat.cut(new byte[] {(byte) 0xff, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 'a'}, 0, 6, 4)).isEqualTo(4);
    }

    private static byte[] randomText(Random random) {
        // mostly text, with the bytes that matter to escaping and UTF-8 well represented
        byte[][] pieces = {utf8("plain text "), utf8("é"), utf8("€"), utf8("😀"), utf8("\""), utf8("\\"), utf8("\t\r\n"),
            {0x01}, {0x7f}, {(byte) 0x80}, {(byte) 0xc0}, {(byte) 0xc3}, {(byte) 0xe0}, {(byte) 0xe2, (byte) 0x82},
            {(byte) 0xed}, {(byte) 0xa0}, {(byte) 0xf0}, {(byte) 0xf4}, {(byte) 0x90}, {(byte) 0x9f}, {(byte) 0xff}};
        LineBuffer out = new LineBuffer(64);
        int n = random.nextInt(0, 24);
        for (int i = 0; i < n; i++) {
            if (random.nextInt(4) == 0) {
                out.put((byte) random.nextInt(256));
            } else {
                out.put(pieces[random.nextInt(pieces.length)]);
            }
        }
        return Arrays.copyOf(out.array(), out.size());
    }

    private static LogLine line(String service, int instance, String text) {
        return new LogLine(service, instance, Stream.STDOUT, AT, utf8(text), false);
    }

    private static String encode(LineFormat format, LogLine line) {
        return encode(format.encoder(s -> false, false), line);
    }

    private static String encode(LineFormat.Encoder encoder, LogLine line) {
        LineBuffer out = new LineBuffer();
        encoder.append(line, out);
        return new String(out.array(), 0, out.size(), StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

}
