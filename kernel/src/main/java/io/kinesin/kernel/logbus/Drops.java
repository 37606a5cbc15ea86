package io.kinesin.kernel.logbus;

import io.kinesin.kernel.log.Log;
import io.kinesin.spi.Stream;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Lines one sink did not get, counted at once ({@code kinesin_log_lines_dropped_total}) and
 * reported in kinesin's log at most every {@link #EVERY}: the first drop of a quiet period is
 * reported at once, later ones are summed until the period ends (the pump reports them then,
 * {@link #dueAt}), one line per service, stream and reason. Any thread.
 */
final class Drops {

    static final Duration EVERY = Duration.ofSeconds(10);
    private static final long EVERY_NANOS = EVERY.toNanos();

    private record Key(String service, Stream stream, String reason) {
    }

    private final String sink;
    private final Log log;
    private final LogCounters counters;
    private final Map<Key, long[]> unreported = new LinkedHashMap<>();
    private long nextReport = System.nanoTime();

    Drops(String sink, Log log, LogCounters counters) {
        this.sink = sink;
        this.log = log;
        this.counters = counters;
    }

    /**
     * Counts {@code lines} lines of {@code origin} as dropped for this sink.
     *
     * @return true when the count waits for a later report: whoever calls this from outside
     *         the pump must wake the pump, which reports it at {@link #dueAt}
     */
    boolean add(Batch.Origin origin, long lines, String reason) {
        counters.droppedCounter(sink, origin.service(), origin.stream()).addAndGet(lines);
        synchronized (this) {
            unreported.computeIfAbsent(new Key(origin.service(), origin.stream(), reason), k -> new long[1])[0] += lines;
            long now = System.nanoTime();
            if (now - nextReport >= 0) {
                report(now);
                return false;
            }
            return true;
        }
    }

    /** When the counts not reported yet are due; MAX_VALUE when there are none. */
    synchronized long dueAt() {
        return unreported.isEmpty() ? Long.MAX_VALUE : nextReport;
    }

    synchronized void reportIfDue(long now) {
        if (!unreported.isEmpty() && now - nextReport >= 0) {
            report(now);
        }
    }

    /** kinesin is exiting: whatever was not reported yet. */
    synchronized void reportAll() {
        if (!unreported.isEmpty()) {
            report(System.nanoTime());
        }
    }

    private void report(long now) {
        unreported.forEach((k, n) -> log.warn("log lines dropped", "sink", sink, "service", k.service(),
                "stream", k.stream().label(), "lines", n[0], "reason", k.reason()));
        unreported.clear();
        nextReport = now + EVERY_NANOS;
    }
}
