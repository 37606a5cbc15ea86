package io.kinesin.kernel.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Histograms by name and label values with fixed buckets, safe to observe from any thread,
 * without the Prometheus client (which is loaded only when the HTTP endpoint is on).
 */
public final class Histograms {

    /** Prometheus's default buckets, in seconds. */
    public static final double[] SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    /** A registered histogram's shape; {@code buckets} are ascending upper bounds, +Inf implied. */
    public record Family(String name, String help, List<String> labelNames, List<Double> buckets) {
    }

    /** Observes values of one family. */
    @FunctionalInterface
    public interface Histogram {
        void observe(double value, String... labelValues);
    }

    /**
     * One series now.
     *
     * @param counts observations per bucket (not cumulative), the last one +Inf's
     */
    public record Counts(long[] counts, double sum) {
    }

    private static final class Series {
        final LongAdder[] counts;
        final DoubleAdder sum = new DoubleAdder();

        Series(int buckets) {
            counts = new LongAdder[buckets + 1];
            Arrays.setAll(counts, k -> new LongAdder());
        }
    }

    private final Map<String, Family> families = new ConcurrentHashMap<>();
    private final Map<String, Map<List<String>, Series>> series = new ConcurrentHashMap<>();

    public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
        Family f = new Family(name, help, List.of(labelNames), Arrays.stream(buckets).boxed().toList());
        Family earlier = families.putIfAbsent(name, f);
        if (earlier != null && !earlier.equals(f)) {
            throw new IllegalArgumentException("histogram " + name + " is already registered as " + earlier);
        }
        double[] bounds = buckets.clone();
        Map<List<String>, Series> values = series.computeIfAbsent(name, n -> new ConcurrentHashMap<>());
        return (value, labelValues) -> {
            if (labelValues.length != labelNames.length) {
                throw new IllegalArgumentException(name + " takes " + labelNames.length + " label values, not " + labelValues.length);
            }
            Series s = values.computeIfAbsent(List.of(labelValues), k -> new Series(bounds.length));
            int k = 0;
            while (k < bounds.length && value > bounds[k]) {
                k++;
            }
            s.counts[k].increment();
            s.sum.add(value);
        };
    }

    /** Every registered family, for the exposition. */
    public Map<String, Family> families() {
        return Map.copyOf(families);
    }

    /** A family's series: label values → counts now. */
    public Map<List<String>, Counts> series(String name) {
        Map<List<String>, Counts> out = new LinkedHashMap<>();
        series.getOrDefault(name, Map.of()).forEach((k, v) -> {
            long[] c = new long[v.counts.length];
            Arrays.setAll(c, i -> v.counts[i].sum());
            out.put(k, new Counts(c, v.sum.sum()));
        });
        return out;
    }
}
