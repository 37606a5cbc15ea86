package io.kinesin.kernel.http;

import io.kinesin.kernel.supervise.Lifecycle;
import io.kinesin.kernel.supervise.LifecycleListener;
import io.kinesin.kernel.supervise.Plan;
import io.kinesin.kernel.supervise.ServiceSpec;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Restarts and deaths by cause, counted from the lifecycle records on the listeners' thread
 * from the first spawn on, before anyone scrapes: the Prometheus client is loaded only by the
 * first {@code /metrics}, and reads these then.
 */
final class LifecycleCounts implements LifecycleListener {

    private final Map<String, LongAdder> restarts = new ConcurrentHashMap<>();
    private final Map<List<String>, LongAdder> deaths = new ConcurrentHashMap<>();

    LifecycleCounts(Plan plan) {
        for (ServiceSpec s : plan.services()) {
            restarts.put(s.name(), new LongAdder()); // a series from the start, so that rate() sees the first restart
        }
    }

    @Override
    public void on(Lifecycle record) {
        if (record instanceof Lifecycle.Died d) {
            deaths.computeIfAbsent(List.of(d.service(), d.cause().label()), k -> new LongAdder()).increment();
            if (d.willRestart()) {
                restarts.computeIfAbsent(d.service(), k -> new LongAdder()).increment();
            }
        }
    }

    /** service → restarts, by service name. */
    Map<String, Long> restarts() {
        Map<String, Long> out = new TreeMap<>();
        restarts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** [service, cause] → deaths. */
    Map<List<String>, Long> deaths() {
        Map<List<String>, Long> out = new TreeMap<>((a, b) -> a.get(0).equals(b.get(0)) ? a.get(1).compareTo(b.get(1)) : a.get(0).compareTo(b.get(0)));
        deaths.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
