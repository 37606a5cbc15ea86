package io.kinesin.kernel.metrics;

import io.kinesin.spi.Metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters by name and label values, safe to add to from any thread (a {@link LongAdder} per
 * series). A name is registered once with its help text and label names; registering it again
 * with other labels is refused, so two parts of kinesin cannot make one metric mean two things.
 */
public final class Counters implements Metrics {

    /**
     * {@code kinesin_plugin_errors_total{plugin}}: calls into a plugin's check or hook that threw
     * or hung (its sinks' errors are added from the bus's counts when it is read).
     */
    public static final String PLUGIN_ERRORS = "kinesin_plugin_errors_total";

    /** The counter of {@link #PLUGIN_ERRORS}. */
    public Counter pluginErrors() {
        return counter(PLUGIN_ERRORS, "Calls into a plugin that failed: errors of its sinks, and its checks and hooks that threw or hung",
                "plugin");
    }

    /** A registered counter's shape. */
    public record Family(String name, String help, List<String> labelNames) {
    }

    private final Map<String, Family> families = new ConcurrentHashMap<>();
    private final Map<String, Map<List<String>, LongAdder>> series = new ConcurrentHashMap<>();
    private final Histograms histograms = new Histograms();

    /** The kernel's histograms, which travel with its counters (plugins see only counters). */
    public Histograms histograms() {
        return histograms;
    }

    @Override
    public Counter counter(String name, String help, String... labelNames) {
        if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*") || !name.endsWith("_total")) {
            throw new IllegalArgumentException("counter name \"" + name + "\": Prometheus letters, digits and _, ending in _total");
        }
        Family f = new Family(name, help, List.of(labelNames));
        Family earlier = families.putIfAbsent(name, f);
        if (earlier != null && !earlier.labelNames().equals(f.labelNames())) {
            throw new IllegalArgumentException("counter " + name + " is already registered with labels " + earlier.labelNames());
        }
        Map<List<String>, LongAdder> values = series.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
        int arity = labelNames.length;
        return (amount, labelValues) -> {
            if (amount < 0) {
                throw new IllegalArgumentException("a counter only goes up: " + name + " += " + amount);
            }
            if (labelValues.length != arity) {
                throw new IllegalArgumentException(name + " takes " + arity + " label values, not " + labelValues.length);
            }
            values.computeIfAbsent(List.of(labelValues), k -> new LongAdder()).add(amount);
        };
    }

    /** A series' value now; 0 if it was never added to. */
    public long value(String name, String... labelValues) {
        Map<List<String>, LongAdder> values = series.get(name);
        LongAdder a = values == null ? null : values.get(List.of(labelValues));
        return a == null ? 0 : a.sum();
    }

    /** Every registered family, for the exposition. */
    public Map<String, Family> families() {
        return Map.copyOf(families);
    }

    /** A family's series: label values → value now. */
    public Map<List<String>, Long> series(String name) {
        Map<List<String>, Long> out = new java.util.LinkedHashMap<>();
        series.getOrDefault(name, Map.of()).forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
