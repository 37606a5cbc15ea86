package io.kinesin.kernel.logbus;

import io.kinesin.spi.Stream;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the bus has counted since kinesin started, for {@code /metrics}:
 * {@code kinesin_log_lines_total{service,stream}}, {@code kinesin_log_bytes_total{service,stream}},
 * {@code kinesin_log_lines_dropped_total{sink,service,stream}} and
 * {@code kinesin_sink_errors_total{sink}}. Written by the pump and the sink workers, read from
 * any thread; each value only grows.
 */
public final class LogCounters {

    /** One series of the dropped-lines counter. */
    public record Dropped(String sink, String service, Stream stream) {
    }

    /** Lines and bytes read from one stream of one service (all its instances). */
    static final class Read {
        final AtomicLong lines = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
    }

    private final ConcurrentHashMap<BusSettings.Route, Read> read = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Dropped, AtomicLong> dropped = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicLong> sinkErrors = new ConcurrentHashMap<>();

    Read readCounter(String service, Stream stream) {
        return read.computeIfAbsent(new BusSettings.Route(service, stream), r -> new Read());
    }

    AtomicLong droppedCounter(String sink, String service, Stream stream) {
        return dropped.computeIfAbsent(new Dropped(sink, service, stream), d -> new AtomicLong());
    }

    /** Which plugin each plugin sink belongs to (sink name → plugin id), for {@link #pluginSinkErrors}. */
    private volatile Map<String, String> owners = Map.of();

    /** Names the plugin of each sink of a plugin's kind. */
    public void owners(Map<String, String> sinkToPlugin) {
        this.owners = Map.copyOf(sinkToPlugin);
    }

    /** Sink errors summed by the plugin whose sinks they were: their part of {@code kinesin_plugin_errors_total}. */
    public Map<String, Long> pluginSinkErrors() {
        Map<String, Long> out = new java.util.TreeMap<>();
        owners.forEach((sink, plugin) -> out.merge(plugin, sinkErrors(sink), Long::sum));
        return out;
    }

    AtomicLong errorCounter(String sink) {
        return sinkErrors.computeIfAbsent(sink, s -> new AtomicLong());
    }

    /** {@code kinesin_log_lines_total}: lines framed (a cut line counts once per piece). */
    public long lines(String service, Stream stream) {
        Read r = read.get(new BusSettings.Route(service, stream));
        return r == null ? 0 : r.lines.get();
    }

    /** {@code kinesin_log_bytes_total}: bytes read from the children's pipes. */
    public long bytes(String service, Stream stream) {
        Read r = read.get(new BusSettings.Route(service, stream));
        return r == null ? 0 : r.bytes.get();
    }

    /** {@code kinesin_log_lines_dropped_total}: lines that sink never got (overflow: drop, undeliverable batches). */
    public long dropped(String sink, String service, Stream stream) {
        AtomicLong n = dropped.get(new Dropped(sink, service, stream));
        return n == null ? 0 : n.get();
    }

    /** {@code kinesin_sink_errors_total}: failed, undeliverable and stuck calls into that sink. */
    public long sinkErrors(String sink) {
        AtomicLong n = sinkErrors.get(sink);
        return n == null ? 0 : n.get();
    }

    /** Every lines series, ordered by service then stream. */
    public Map<BusSettings.Route, Long> linesTotal() {
        Map<BusSettings.Route, Long> out = new TreeMap<>(ROUTES);
        read.forEach((k, v) -> out.put(k, v.lines.get()));
        return out;
    }

    public Map<BusSettings.Route, Long> bytesTotal() {
        Map<BusSettings.Route, Long> out = new TreeMap<>(ROUTES);
        read.forEach((k, v) -> out.put(k, v.bytes.get()));
        return out;
    }

    public Map<Dropped, Long> droppedTotal() {
        Map<Dropped, Long> out = new TreeMap<>(Comparator.comparing(Dropped::sink)
                .thenComparing(Dropped::service).thenComparing(Dropped::stream));
        dropped.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public Map<String, Long> sinkErrorsTotal() {
        Map<String, Long> out = new TreeMap<>();
        sinkErrors.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    private static final Comparator<BusSettings.Route> ROUTES =
            Comparator.comparing(BusSettings.Route::service).thenComparing(BusSettings.Route::stream);
}
