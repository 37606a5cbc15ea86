package io.kinesin.kernel.http;

import io.kinesin.kernel.cli.Options;
import io.kinesin.kernel.config.ConfigCommands;
import io.kinesin.kernel.control.Self;
import io.kinesin.kernel.control.StatusJson;
import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.logbus.LogBus;
import io.kinesin.kernel.logbus.LogCounters;
import io.kinesin.kernel.metrics.Counters;
import io.kinesin.kernel.supervise.Plan;
import io.kinesin.kernel.supervise.Supervisor;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What one scrape costs with 100 services of 3 instances each (300 instances, 2,100
 * {@code kinesin_instances} series), in the JVM as shipped (C1 only, SerialGC): {@code text}
 * (Prometheus 0.0.4), {@code openMetrics}, and {@code status} ({@code /status}'s JSON) beside
 * them. Allocation per scrape: run with {@code -prof gc} (gc.alloc.rate.norm). Run: see
 * docs/http.md. Not run by {@code mvn verify}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx96m", "--enable-native-access=ALL-UNNAMED"})
public class ScrapeBenchmark {

    private Exposition metrics;
    private ExpositionFormatWriter text;
    private ExpositionFormatWriter openMetrics;
    private Supervisor supervisor;
    private Self self;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);

    @Setup
    public void setUp() throws Exception {
        Path dir = Files.createTempDirectory("scrape-");
        StringBuilder yaml = new StringBuilder("services:\n");
        for (int s = 0; s < 100; s++) {
            yaml.append("  service").append(s).append(": { command: [sleep, '1000'], replicas: 3, essential: false }\n");
        }
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), yaml);
        Plan plan = ConfigCommands.plan(ConfigCommands.read(config, List.of()), List.of(), Options.NONE).plan();
        supervisor = new Supervisor(plan, new Log(Log.Format.LOGFMT, Log.Level.ERROR, new ByteArrayOutputStream()), null,
                LogBus.DEFAULT_FLUSH, Optional.empty());
        self = new Self("bench", 1, Instant.now());
        metrics = new Exposition(supervisor, new LifecycleCounts(plan), "bench", new LogCounters(), new Counters());
        text = metrics.writer(null);
        openMetrics = metrics.writer("application/openmetrics-text; version=1.0.0");
    }

    @Benchmark
    public int text() throws Exception {
        out.reset();
        metrics.write(text, out);
        return out.size();
    }

    @Benchmark
    public int openMetrics() throws Exception {
        out.reset();
        metrics.write(openMetrics, out);
        return out.size();
    }

    @Benchmark
    public int status() {
        return StatusJson.of(supervisor.status(), self, Instant.now()).length();
    }
}
