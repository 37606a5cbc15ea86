package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.spi.LineFormat;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.Stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.BooleanSupplier;

/**
 * A real {@link LogBus} with one sink named {@code file} (the console's {@link FdSink} on a file,
 * as when kinesin's stdout is redirected to one), and the writer's side of its
 * pipes as a child would use them: raw fds, write(2), close(2).
 */
final class FileBus {

    final Path file;
    final LogBus bus;
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    /** Bytes written through {@link #send}: what the pump has read once {@link #awaitRead} returns. */
    private long sent;

    FileBus(Path dir, LineFormat format) {
        this(dir, format, service -> false);
    }

    FileBus(Path dir, LineFormat format, Predicate<String> replicated) {
        this(dir, format, replicated, BusSettings.DEFAULT);
    }

    FileBus(Path dir, LineFormat format, BusSettings settings) {
        this(dir, format, service -> false, settings);
    }

    private FileBus(Path dir, LineFormat format, Predicate<String> replicated, BusSettings settings) {
        this.file = dir.resolve("out.log");
        this.bus = bus(new Log(Log.Format.LOGFMT, Log.Level.WARN, logged), settings, file("file", file, format, replicated));
    }

    /** A sink and its name on the bus. */
    record Named(String name, LogSink sink) {
    }

    /** A sink appending to a file, as the console writes to kinesin's stdout redirected to one; the sink owns the fd. */
    static Named file(String name, Path path, LineFormat format) {
        return file(name, path, format, service -> false);
    }

    static Named file(String name, Path path, LineFormat format, Predicate<String> replicated) {
        return new Named(name, new FdSink(Fds.openAppend(path.toString().getBytes(StandardCharsets.UTF_8)), format, replicated, true));
    }

    /** The console sink on {@code fd} (kinesin's 1 or 2), which it leaves open. */
    static Named console(String name, int fd, LineFormat format) {
        return console(name, fd, format, service -> false);
    }

    static Named console(String name, int fd, LineFormat format, Predicate<String> replicated) {
        return new Named(name, new SinkSpec(name, fd, format).open(replicated));
    }

    /** A bus with these sinks. */
    static LogBus bus(Log log, BusSettings settings, Named... sinks) {
        Map<String, LogSink> byName = new LinkedHashMap<>();
        for (Named n : sinks) {
            byName.put(n.name(), n.sink());
        }
        return new LogBus(byName, settings, log);
    }

    static LogBus bus(Log log, Named... sinks) {
        return bus(log, BusSettings.DEFAULT, sinks);
    }

    int attach(String service) {
        return bus.attach(service, 0, Stream.STDOUT, List.of("file"));
    }

    /** Writes all of {@code bytes} to {@code fd}, as a child's write(2) would; safe from any thread. */
    static void write(int fd, byte[] bytes) {
        try (Arena arena = Arena.ofConfined()) {
            Fds.writeFully(fd, bytes, bytes.length, arena.allocate(Math.max(1, Math.min(bytes.length, 64 * 1024))));
        }
    }

    static void write(int fd, String text) {
        write(fd, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes as {@link #write} does, counting the bytes for {@link #awaitRead}. */
    void send(int fd, String text) {
        send(fd, text.getBytes(StandardCharsets.UTF_8));
    }

    void send(int fd, byte[] bytes) {
        write(fd, bytes);
        sent += bytes.length;
    }

    /**
     * Waits until the pump has read every byte {@link #send} wrote, so the next write lands in
     * another read. Every write to this bus's pipes must go through {@code send} for this to hold.
     */
    void awaitRead() {
        until("the pump reads the " + sent + " bytes written", () -> bus.bytesRead() >= sent);
    }

    /** Waits (at most 20 s) for something the test can observe, e.g. a line in kinesin's log. */
    static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after 20s waiting until " + what);
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting until " + what);
            }
        }
    }

    /** Drains the bus (bounded by {@code drain}, then as long again for the sink) and returns the sink file's bytes. */
    byte[] closeAndRead(Duration drain) {
        bus.close(drain, drain);
        return bytes();
    }

    byte[] closeAndRead() {
        return closeAndRead(Duration.ofSeconds(5));
    }

    List<String> closeAndReadLines() {
        return lines(closeAndRead());
    }

    byte[] bytes() {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** kinesin's own log lines at warn and above (a failed sink, a dead pump). */
    String logged() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    /** The file's lines; every line must end with '\n'. */
    static List<String> lines(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.isEmpty() && !text.endsWith("\n")) {
            throw new AssertionError("the file does not end with a newline: ..." + text.substring(Math.max(0, text.length() - 80)));
        }
        return text.isEmpty() ? List.of() : Arrays.asList(text.substring(0, text.length() - 1).split("\n", -1));
    }

    /** The sum of {@code key=N} over kinesin's log lines {@code msg=MSG sink=SINK ...} (drops and undelivered lines are reported in parts). */
    static long loggedCount(String log, String msg, String sink, String key) {
        Matcher m = Pattern.compile("msg=\"?" + Pattern.quote(msg) + "\"? sink=" + sink + " .*?" + key + "=(\\d+)").matcher(log);
        long total = 0;
        while (m.find()) {
            total += Long.parseLong(m.group(1));
        }
        return total;
    }

    /** Splits raw bytes at '\n'; the last piece (after the final '\n') is dropped. */
    static List<byte[]> byteLines(byte[] bytes) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                out.add(Arrays.copyOfRange(bytes, start, i));
                start = i + 1;
            }
        }
        return out;
    }
}
