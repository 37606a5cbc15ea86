package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Fds;
import io.kinesin.spi.LineFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.kinesin.kernel.logbus.FileBus.until;
import static io.kinesin.kernel.logbus.FileBus.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever the pump's loop throws, it is logged and the pump goes on with its pipes and sinks.
 * The failure is injected through the bus's test seam, which runs on the pump thread just
 * before each round's writes.
 */
@Timeout(60)
class PumpRestartTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();

    private String logged() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    private LogBus bus(Path file, Runnable beforeWrites) {
        return new LogBus(Map.of("file", FileBus.file("file", file, LineFormat.RAW).sink()),
                BusSettings.DEFAULT, new Log(Log.Format.LOGFMT, Log.Level.WARN, logged), LogBus::wallNanos, beforeWrites);
    }

    static Stream<Supplier<Throwable>> failures() {
        return Stream.of(
                () -> new Error("injected error"),
                () -> new OutOfMemoryError("injected out of memory"),
                () -> new IllegalStateException("injected bug"));
    }

    @ParameterizedTest
    @MethodSource("failures")
    void aThrowInThePumpIsLoggedAndThePumpGoesOnWithItsPipes(Supplier<Throwable> failure) throws Exception {
        Path file = dir.resolve("out.log");
        AtomicInteger armed = new AtomicInteger();
        Throwable injected = failure.get();
        LogBus bus = bus(file, () -> {
            if (armed.getAndSet(0) == 1) {
                sneakyThrow(injected);
            }
        });
        int fd = bus.attach("web", 0, io.kinesin.spi.Stream.STDOUT, List.of("file"));
        try {
            write(fd, "before\n");
            until("the first line is written", () -> read(file).equals("before\n"));
            armed.set(1);
            write(fd, "during\n");
            until("the failure is logged", () -> logged().contains("log pump failed"));
            write(fd, "after\n");
            until("a later line arrives", () -> read(file).endsWith("after\n"));
        } finally {
            Fds.close(fd);
            bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
        }
        assertThat(read(file)).as("the line being written when it failed is kept too").isEqualTo("before\nduring\nafter\n");
        assertThat(logged()).contains("level=error").contains(injected.toString());
    }

    @Test
    void aPumpThatKeepsFailingWaitsLongerBetweenRestartsInsteadOfSpinning() throws Exception {
        Path file = dir.resolve("out.log");
        AtomicInteger failuresLeft = new AtomicInteger(5);
        LogBus bus = bus(file, () -> {
            if (failuresLeft.getAndDecrement() > 0) {
                throw new IllegalStateException("injected bug");
            }
        });
        int fd = bus.attach("web", 0, io.kinesin.spi.Stream.STDOUT, List.of("file"));
        // a child that writes all the time, so that every restart has work at once
        Thread child = Thread.ofPlatform().start(() -> {
            for (int i = 0; i < 10_000 && !Thread.currentThread().isInterrupted(); i++) {
                write(fd, "tick " + i + "\n");
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        try {
            long start = System.nanoTime();
            until("the pump writes again after its five failures", () -> failuresLeft.get() < 0 && read(file).contains("tick"));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertThat(tookMillis).as("restarts after 0, 100, 200, 400 and 800 ms").isGreaterThanOrEqualTo(1500);
            assertThat(logged().lines().filter(l -> l.contains("log pump failed")))
                    .extracting(l -> l.replaceAll(".* restart_in=(\\S+).*", "$1"))
                    .containsExactly("0ms", "100ms", "200ms", "400ms", "800ms");
        } finally {
            child.interrupt();
            child.join(5000);
            Fds.close(fd);
            bus.close(Duration.ofSeconds(5), Duration.ofSeconds(5));
        }
        List<String> ticks = FileBus.lines(Files.readAllBytes(file));
        for (int i = 0; i < ticks.size(); i++) {
            assertThat(ticks.get(i)).as("nothing lost or repeated across restarts").isEqualTo("tick " + i);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> void sneakyThrow(Throwable t) throws T {
        throw (T) t;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
