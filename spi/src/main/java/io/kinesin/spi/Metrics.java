package io.kinesin.spi;

/**
 * Metrics a plugin adds to kinesin's {@code /metrics}. Names follow Prometheus conventions
 * ({@code kinesin_} prefix, base units, {@code _total} for counters); the kernel refuses a
 * name another part already registered with other labels.
 */
public interface Metrics {

    Counter counter(String name, String help, String... labelNames);

    /** A monotonically increasing count. */
    interface Counter {
        /** Adds {@code amount} (≥ 0) to the series with these label values, in the order the names were given. */
        void add(long amount, String... labelValues);

        default void inc(String... labelValues) {
            add(1, labelValues);
        }
    }
}
