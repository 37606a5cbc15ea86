package io.kinesin.kernel.health;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.supervise.Event;
import io.kinesin.kernel.supervise.HealthSpec;
import io.kinesin.kernel.supervise.Ticket;
import io.kinesin.spi.HealthCheck;
import io.kinesin.kernel.metrics.Counters;
import io.kinesin.kernel.metrics.Histograms;
import io.kinesin.spi.Metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Every instance's health checks: for each spawn, each {@code health:} entry runs every
 * {@code every} after {@code initial-delay}, on a virtual thread of its own, and its result goes
 * to the loop as an {@link Event.Checked}. The kernel owns the deadline: a check that has not
 * answered within {@code timeout} is a {@code timeout} result at once, its thread is
 * interrupted and abandoned, and while it still runs the next periods are timeouts too (checks
 * of one instance never overlap). One {@link HealthCheck} object serves an entry's every
 * instance. Start and stop are the loop's calls and never wait.
 */
public final class HealthChecks implements AutoCloseable {

    /**
     * One {@code health:} entry: its rules and the plugin's check.
     *
     * @param plugin the plugin whose kind it is, for {@code kinesin_plugin_errors_total}
     */
    public record Entry(HealthSpec spec, HealthCheck check, String plugin) {
    }

    private final Map<String, List<Entry>> byService;
    private final Consumer<Event.Checked> out;
    private final Log log;
    private final Metrics.Counter results;
    private final Metrics.Counter pluginErrors;
    private final Histograms.Histogram durations;
    private final Map<Ticket, List<Runner>> running = new ConcurrentHashMap<>();
    private ScheduledThreadPoolExecutor timers;

    /**
     * @param byService each service's entries, in config order
     * @param out       where results go (posted to the loop)
     */
    public HealthChecks(Map<String, List<Entry>> byService, Consumer<Event.Checked> out, Log log, Counters metrics) {
        this.pluginErrors = metrics.pluginErrors();
        this.byService = Map.copyOf(byService);
        this.out = out;
        this.log = log;
        this.results = metrics.counter("kinesin_health_checks_total", "Health checks run, by result (pass, fail, timeout)",
                "service", "check", "result");
        this.durations = metrics.histograms().histogram("kinesin_health_check_duration_seconds",
                "How long health checks took (a timeout counts its timeout)", Histograms.SECONDS, "service", "check");
    }

    /** Whether a service has checks. */
    public boolean checks(String service) {
        return !byService.getOrDefault(service, List.of()).isEmpty();
    }

    /** A spawn of an instance of the service: its checks start; the loop's thread. */
    public synchronized void start(Ticket ticket, HealthCheck.Target target) {
        List<Entry> entries = byService.getOrDefault(ticket.service, List.of());
        if (entries.isEmpty()) {
            return;
        }
        if (timers == null) {
            timers = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "kinesin-health");
                t.setDaemon(true);
                return t;
            });
            timers.setRemoveOnCancelPolicy(true);
        }
        List<Runner> runners = new ArrayList<>(entries.size());
        for (int k = 0; k < entries.size(); k++) {
            Runner r = new Runner(ticket, k, entries.get(k), target);
            HealthSpec s = entries.get(k).spec();
            r.period = timers.scheduleAtFixedRate(r::tick, s.initialDelay().toNanos(), s.every().toNanos(), TimeUnit.NANOSECONDS);
            runners.add(r);
        }
        running.put(ticket, runners);
    }

    /** The spawn's process died: its checks stop (one running now is abandoned); the loop's thread. */
    public void stop(Ticket ticket) {
        List<Runner> runners = running.remove(ticket);
        if (runners != null) {
            runners.forEach(Runner::stop);
        }
    }

    @Override
    public synchronized void close() {
        running.values().forEach(list -> list.forEach(Runner::stop));
        running.clear();
        if (timers != null) {
            timers.shutdownNow();
        }
        byService.values().forEach(list -> list.forEach(e -> {
            try {
                e.check().close();
            } catch (Exception | LinkageError x) {
                log.warn("health check did not close", "check", e.spec().type(), "error", x.toString());
            }
        }));
    }

    /** One entry of one spawn. */
    private final class Runner {
        private final Ticket ticket;
        private final int index;
        private final Entry entry;
        private final HealthCheck.Target target;
        private volatile ScheduledFuture<?> period;
        private volatile boolean stopped;
        /** The check now running (written under this; read without it by stop) and whether its result was given. */
        private volatile Thread current;
        private boolean answered;

        Runner(Ticket ticket, int index, Entry entry, HealthCheck.Target target) {
            this.ticket = ticket;
            this.index = index;
            this.entry = entry;
            this.target = target;
        }

        /** The timer's thread: start a check, unless the last one is still running. */
        void tick() {
            if (stopped) {
                return;
            }
            Duration timeout = entry.spec().timeout();
            synchronized (this) {
                if (current != null) {
                    give(Event.Checked.Outcome.TIMEOUT, "still no answer from the last check", timeout.toNanos());
                    return;
                }
                answered = false;
                long start = System.nanoTime();
                Thread check = Thread.ofVirtual().name("kinesin-check").unstarted(() -> run(start, timeout));
                current = check;
                check.start();
                timers.schedule(() -> timedOut(check, start, timeout), timeout.toNanos(), TimeUnit.NANOSECONDS);
            }
        }

        private void run(long start, Duration timeout) {
            Event.Checked.Outcome outcome;
            String detail;
            try {
                HealthCheck.Result r = entry.check().check(target, timeout);
                if (r == null) {
                    outcome = Event.Checked.Outcome.FAIL;
                    detail = "the check gave no result";
                } else {
                    outcome = r.passed() ? Event.Checked.Outcome.PASS : Event.Checked.Outcome.FAIL;
                    detail = r.detail() == null ? (r.passed() ? "passed" : "failed") : r.detail();
                }
            } catch (InterruptedException e) {
                outcome = Event.Checked.Outcome.TIMEOUT;
                detail = "no answer within " + timeout.toMillis() + "ms";
            } catch (RuntimeException | LinkageError e) {
                outcome = Event.Checked.Outcome.FAIL; // a bug of the plugin's, not an answer of the target's
                detail = e.getMessage() != null ? e.getMessage() : e.toString();
                pluginErrors.inc(entry.plugin());
            } catch (Exception e) {
                outcome = Event.Checked.Outcome.FAIL;
                detail = e.getMessage() != null ? e.getMessage() : e.toString();
            }
            synchronized (this) {
                if (current == Thread.currentThread()) {
                    current = null;
                    if (!answered) {
                        give(outcome, detail, System.nanoTime() - start);
                    }
                }
            }
        }

        private void timedOut(Thread check, long start, Duration timeout) {
            synchronized (this) {
                if (current != check || answered) {
                    return;
                }
                give(Event.Checked.Outcome.TIMEOUT, "no answer within " + timeout.toMillis() + "ms", System.nanoTime() - start);
            }
            pluginErrors.inc(entry.plugin()); // the check did not keep to its deadline: the kernel's stopped it
            check.interrupt();
        }

        /** Guarded by this. */
        private void give(Event.Checked.Outcome outcome, String detail, long nanos) {
            answered = true;
            if (stopped) {
                return;
            }
            results.inc(ticket.service, entry.spec().type(), outcome.label());
            durations.observe(nanos / 1e9, ticket.service, entry.spec().type());
            out.accept(new Event.Checked(ticket, index, outcome, detail, nanos));
        }

        void stop() {
            stopped = true;
            ScheduledFuture<?> p = period;
            if (p != null) {
                p.cancel(false);
            }
            Thread t = current;
            if (t != null) {
                t.interrupt();
            }
        }
    }
}
