package io.kinesin.kernel.http;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The standard process metrics ({@code process_resident_memory_bytes}, ...), read from
 * {@code /proc/self} at scrape time: the Prometheus client's own {@code ProcessMetrics} would
 * bring {@code java.management} into the runtime image for the same numbers.
 */
final class ProcessMetrics {

    private ProcessMetrics() {
    }

    static void register(PrometheusRegistry registry) {
        ProcessHandle self = ProcessHandle.current();
        double started = self.info().startInstant().map(i -> i.toEpochMilli() / 1000.0).orElse(0.0);
        GaugeWithCallback.builder().name("process_start_time_seconds").help("Start time of the process since the Unix epoch")
                .callback(cb -> cb.call(started)).register(registry);
        CounterWithCallback.builder().name("process_cpu_seconds_total").help("User and system CPU time spent, in seconds")
                .callback(cb -> self.info().totalCpuDuration().ifPresent(d -> cb.call(seconds(d)))).register(registry);
        GaugeWithCallback.builder().name("process_resident_memory_bytes").help("Resident memory size in bytes")
                .callback(cb -> status("VmRSS:", cb)).register(registry);
        GaugeWithCallback.builder().name("process_virtual_memory_bytes").help("Virtual memory size in bytes")
                .callback(cb -> status("VmSize:", cb)).register(registry);
        gauge(registry, "process_open_fds", "Open file descriptors", ProcessMetrics::openFds);
        gauge(registry, "process_max_fds", "The limit of open file descriptors", ProcessMetrics::maxFds);
    }

    /** A gauge with no sample while {@code value} is negative (cannot be read). */
    private static void gauge(PrometheusRegistry registry, String name, String help, LongSupplier value) {
        GaugeWithCallback.builder().name(name).help(help).callback(cb -> {
            long n = value.getAsLong();
            if (n >= 0) {
                cb.call(n);
            }
        }).register(registry);
    }

    private static double seconds(Duration d) {
        return d.toNanos() / 1e9;
    }

    /** A {@code kB} line of {@code /proc/self/status}, in bytes. */
    private static void status(String key, GaugeWithCallback.Callback cb) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    String[] f = line.substring(key.length()).strip().split("\\s+");
                    cb.call(Long.parseLong(f[0]) * 1024.0);
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no such series this time
        }
    }

    private static long openFds() {
        long n = 0;
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path ignored : fds) {
                n++;
            }
            return n - 1; // the directory stream's own
        } catch (IOException e) {
            return -1;
        }
    }

    private static long maxFds() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
                    return soft.equals("unlimited") ? -1 : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // no such series
        }
        return -1;
    }
}
