package io.kinesin.kernel.http;

import io.kinesin.kernel.logbus.LogCounters;
import io.kinesin.kernel.metrics.Counters;
import io.kinesin.kernel.metrics.Histograms;
import io.kinesin.kernel.supervise.InstanceView;
import io.kinesin.kernel.supervise.State;
import io.kinesin.kernel.supervise.Supervisor;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /metrics}: every metric of the interface in one Prometheus registry, made at the first
 * scrape. Gauges read the published status snapshot at scrape time; restarts and deaths come
 * from {@link LifecycleCounts}; the log bus's and the kernel's own counters and histograms are
 * read as they are. Nothing here touches the loop.
 */
final class Exposition {

    private static final State[] STATES = State.values();

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final ExpositionFormats formats = ExpositionFormats.init();

    Exposition(Supervisor supervisor, LifecycleCounts lifecycle, String version, LogCounters log, Counters kernel) {
        Info.builder().name("kinesin_build_info").help("kinesin's version").labelNames("version")
                .register(registry).addLabelValues(version);
        GaugeWithCallback.builder().name("kinesin_instances").help("Instances of each service by state")
                .labelNames("service", "state").callback(cb -> {
                    for (Map.Entry<String, int[]> e : byState(supervisor).entrySet()) {
                        for (State s : STATES) {
                            cb.call(e.getValue()[s.ordinal()], e.getKey(), s.label());
                        }
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("kinesin_service_up").help("Instances of each service that are ready")
                .labelNames("service").callback(cb -> byState(supervisor)
                        .forEach((service, n) -> cb.call(n[State.READY.ordinal()], service))).register(registry);
        CounterWithCallback.builder().name("kinesin_restarts_total").help("Instances started again after a death")
                .labelNames("service").callback(cb -> lifecycle.restarts().forEach((s, n) -> cb.call(n, s))).register(registry);
        CounterWithCallback.builder().name("kinesin_deaths_total")
                .help("Deaths of instances' processes by cause (exit, signal, stopped, ready-timeout, watchdog, health)")
                .labelNames("service", "cause")
                .callback(cb -> lifecycle.deaths().forEach((k, n) -> cb.call(n, k.get(0), k.get(1)))).register(registry);
        CounterWithCallback.builder().name("kinesin_zombies_reaped_total")
                .help("Processes kinesin reaped: its children and the orphans it adopted")
                .callback(cb -> cb.call(supervisor.reaped())).register(registry);
        CounterWithCallback.builder().name("kinesin_log_lines_total").help("Lines read from services' stdout and stderr")
                .labelNames("service", "stream")
                .callback(cb -> log.linesTotal().forEach((r, n) -> cb.call(n, r.service(), r.stream().label())))
                .register(registry);
        CounterWithCallback.builder().name("kinesin_log_bytes_total").help("Bytes read from services' stdout and stderr")
                .labelNames("service", "stream")
                .callback(cb -> log.bytesTotal().forEach((r, n) -> cb.call(n, r.service(), r.stream().label())))
                .register(registry);
        CounterWithCallback.builder().name("kinesin_log_lines_dropped_total").help("Lines a sink never got")
                .labelNames("sink", "service", "stream")
                .callback(cb -> log.droppedTotal().forEach((d, n) -> cb.call(n, d.sink(), d.service(), d.stream().label())))
                .register(registry);
        CounterWithCallback.builder().name("kinesin_sink_errors_total").help("Failed, undeliverable and stuck calls into a sink")
                .labelNames("sink").callback(cb -> log.sinkErrorsTotal().forEach((s, n) -> cb.call(n, s))).register(registry);
        registry.register(new KernelMetrics(kernel, log));
        ProcessMetrics.register(registry);
    }

    /** The format {@code accept} asks for: OpenMetrics when it says so, else text 0.0.4. */
    ExpositionFormatWriter writer(String accept) {
        ExpositionFormatWriter w = formats.findWriter(accept);
        return w.isAvailable() ? w : formats.getPrometheusTextFormatWriter();
    }

    void write(ExpositionFormatWriter writer, OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    private static Map<String, int[]> byState(Supervisor supervisor) {
        Map<String, int[]> out = new LinkedHashMap<>();
        for (InstanceView v : supervisor.status().instances()) {
            out.computeIfAbsent(v.service(), s -> new int[STATES.length])[v.state().ordinal()]++;
        }
        return out;
    }

    /** The kernel's and plugins' counters ({@code kinesin_health_checks_total}, ...) and histograms, read at each scrape. */
    private record KernelMetrics(Counters counters, LogCounters log) implements MultiCollector {

        @Override
        public MetricSnapshots collect() {
            List<MetricSnapshot> out = new ArrayList<>();
            for (Counters.Family f : counters.families().values()) {
                List<CounterSnapshot.CounterDataPointSnapshot> points = new ArrayList<>();
                Map<List<String>, Long> series = counters.series(f.name());
                if (f.name().equals(Counters.PLUGIN_ERRORS)) { // its sinks' errors are counted by the bus
                    series = new LinkedHashMap<>(series);
                    for (var e : log.pluginSinkErrors().entrySet()) {
                        series.merge(List.of(e.getKey()), e.getValue(), Long::sum);
                    }
                }
                series.forEach((values, n) ->
                        points.add(new CounterSnapshot.CounterDataPointSnapshot(n, Labels.of(f.labelNames(), values), null, 0)));
                out.add(new CounterSnapshot(new MetricMetadata(f.name().substring(0, f.name().length() - "_total".length()), f.help()), points));
            }
            Histograms h = counters.histograms();
            for (Histograms.Family f : h.families().values()) {
                double[] bounds = new double[f.buckets().size() + 1];
                for (int k = 0; k < f.buckets().size(); k++) {
                    bounds[k] = f.buckets().get(k);
                }
                bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
                List<HistogramSnapshot.HistogramDataPointSnapshot> points = new ArrayList<>();
                h.series(f.name()).forEach((values, c) -> points.add(new HistogramSnapshot.HistogramDataPointSnapshot(
                        ClassicHistogramBuckets.of(bounds, c.counts()), c.sum(), Labels.of(f.labelNames(), values), Exemplars.EMPTY, 0)));
                out.add(new HistogramSnapshot(new MetricMetadata(f.name(), f.help()), points));
            }
            return new MetricSnapshots(out);
        }
    }
}
