package io.kinesin.kernel.hooks;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.supervise.LifecycleListener;
import io.kinesin.kernel.supervise.Lifecycle;
import io.kinesin.kernel.supervise.State;
import io.kinesin.spi.Death;
import io.kinesin.spi.DeathHook;
import io.kinesin.spi.Metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Every hook of the config, fed with the loop's lifecycle records (on the listeners' thread).
 * For each service and hook at most one call runs at a time: a death that comes while one runs
 * waits, and later ones replace it, counted ({@link Death#coalesced}, and
 * {@code kinesin_hooks_total{result="coalesced"}}), so a service dying 100 times a second does
 * not pile up calls. A call gets its {@code timeout} plus {@link #GRACE}, after which the kernel
 * stops waiting, interrupts it and counts a timeout (an exec hook's process group is killed by
 * the kernel at its timeout). Outcomes are counted per service, hook and result ({@code ok},
 * {@code error}, {@code timeout}, {@code coalesced}) and failures logged, at most once a
 * {@link #LOG_EVERY} per hook with the number held back.
 */
public final class Hooks implements LifecycleListener, AutoCloseable {

    /** What a hook gets beyond its own timeout before the kernel gives up on it. */
    static final Duration GRACE = Duration.ofSeconds(1);
    static final Duration LOG_EVERY = Duration.ofSeconds(10);

    /** Which deaths a hook hears of. */
    public enum When {
        /** Every death. */
        ALWAYS,
        /** A non-zero exit, a death by a signal kinesin did not send, or one kinesin caused for readiness or health. */
        FAILURE,
        /** No restart follows. */
        FINAL,
        /** The instance has just become FAILED. */
        FAILED;

        public static When of(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * One hook of the config.
     *
     * @param type    its kind ({@code exec}), the {@code hook} label of its metric
     * @param when    null for an on-exit hook
     * @param timeout its whole budget
     * @param plugin  the plugin whose kind it is, for {@code kinesin_plugin_errors_total}
     */
    public record Entry(String type, When when, Duration timeout, DeathHook hook, String plugin) {
    }

    private final Map<String, List<Runner>> byService;
    private final List<Entry> onExit;
    private final Log log;
    private final Metrics.Counter results;
    private final Metrics.Counter pluginErrors;
    /** Runners with a call running or waiting. */
    private final java.util.concurrent.atomic.AtomicInteger busy = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param byService each service's on-death hooks, in config order
     * @param onExit    the on-exit hooks
     */
    public Hooks(Map<String, List<Entry>> byService, List<Entry> onExit, Log log, io.kinesin.kernel.metrics.Counters metrics) {
        this.log = log;
        this.onExit = List.copyOf(onExit);
        this.results = metrics.counter("kinesin_hooks_total", "Hook calls by result (ok, error, timeout) and deaths coalesced into a later call",
                "service", "hook", "result");
        this.pluginErrors = metrics.pluginErrors();
        Map<String, List<Runner>> runners = new java.util.LinkedHashMap<>();
        byService.forEach((service, entries) -> runners.put(service, entries.stream().map(e -> new Runner(service, e)).toList()));
        this.byService = Map.copyOf(runners);
    }

    /** Whether there is any hook at all. */
    public boolean any() {
        return !byService.isEmpty() || !onExit.isEmpty();
    }

    @Override
    public void on(Lifecycle record) {
        if (!(record instanceof Lifecycle.Died d)) {
            return;
        }
        List<Runner> runners = byService.get(d.service());
        if (runners == null) {
            return;
        }
        Death death = new Death(d.service(), d.instance(), d.pid(), d.status(), d.deaths(), d.willRestart(), d.state().label(), d.at(), 0);
        for (Runner r : runners) {
            if (heard(r.entry.when(), d)) {
                r.submit(death);
            }
        }
    }

    /** Whether a hook with this {@code when} hears of this death. */
    static boolean heard(When when, Lifecycle.Died d) {
        return switch (when) {
            case ALWAYS -> true;
            case FAILURE -> switch (d.cause()) {
                case EXIT -> d.status().code() != 0;
                case SIGNAL, READY_TIMEOUT, WATCHDOG, HEALTH -> true;
                case STOPPED -> false;
            };
            case FINAL -> !d.willRestart();
            case FAILED -> d.state() == State.FAILED;
        };
    }

    /**
     * Runs every on-exit hook at once, each within its timeout; completes when all have ended or
     * been given up on (at most the longest timeout plus {@link #GRACE}). Called once.
     */
    public CompletableFuture<Void> exit(int status, String reason) {
        List<CompletableFuture<Void>> calls = new ArrayList<>(onExit.size());
        for (Entry e : onExit) {
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread.ofVirtual().name("kinesin-hook").start(() -> {
                outcome("on-exit", e, () -> e.hook().onExit(status, reason));
                done.complete(null);
            });
            calls.add(done);
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new));
    }

    /** Whether no on-death call is running or waiting (any thread). */
    public boolean idle() {
        return busy.get() == 0;
    }

    /** The longest an on-death call can take: what kinesin's exit waits for calls still under way. */
    public Duration deathBudget() {
        Duration longest = Duration.ZERO;
        for (List<Runner> runners : byService.values()) {
            for (Runner r : runners) {
                longest = r.entry.timeout().compareTo(longest) > 0 ? r.entry.timeout() : longest;
            }
        }
        return byService.isEmpty() ? Duration.ZERO : longest.plus(GRACE);
    }

    /** The longest an {@link #exit} can take. */
    public Duration exitBudget() {
        Duration longest = Duration.ZERO;
        for (Entry e : onExit) {
            longest = e.timeout().compareTo(longest) > 0 ? e.timeout() : longest;
        }
        return onExit.isEmpty() ? Duration.ZERO : longest.plus(GRACE);
    }

    @FunctionalInterface
    private interface Call {
        void run() throws Exception;
    }

    /** Makes one call within the entry's budget; counts and logs how it went. */
    private void outcome(String service, Entry e, Call call) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().name("kinesin-hook-call").start(() -> {
            try {
                call.run();
                result.complete(null);
            } catch (Throwable x) {
                result.completeExceptionally(x);
            }
        });
        String outcome;
        String error = null;
        try {
            result.get(e.timeout().plus(GRACE).toNanos(), TimeUnit.NANOSECONDS);
            outcome = "ok";
        } catch (TimeoutException x) {
            t.interrupt();
            outcome = "timeout";
            error = "no answer within " + e.timeout().toMillis() + "ms";
        } catch (ExecutionException x) {
            outcome = "error";
            Throwable cause = x.getCause();
            error = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
            t.interrupt();
            outcome = "timeout";
            error = "kinesin stopped waiting";
        }
        results.inc(service, e.type(), outcome);
        if (error != null) {
            pluginErrors.inc(e.plugin());
            failed(service, e, outcome, error);
        }
    }

    private final Map<String, long[]> lastLogged = new java.util.concurrent.ConcurrentHashMap<>();

    /** Logs a hook's failure, at most once a {@link #LOG_EVERY} per service and hook, with how many were held back. */
    private void failed(String service, Entry e, String outcome, String error) {
        long[] state = lastLogged.computeIfAbsent(service + "\0" + e.type() + "\0" + System.identityHashCode(e), k -> new long[] {Long.MIN_VALUE, 0});
        long now = System.nanoTime();
        long held;
        synchronized (state) {
            if (state[0] != Long.MIN_VALUE && now - state[0] < LOG_EVERY.toNanos()) {
                state[1]++;
                return;
            }
            state[0] = now;
            held = state[1];
            state[1] = 0;
        }
        log.warn("hook failed", "service", service, "hook", e.type(), "result", outcome, "error", error, "unlogged", held);
    }

    @Override
    public void close() {
        for (List<Runner> runners : byService.values()) {
            for (Runner r : runners) {
                close(r.entry);
            }
        }
        for (Entry e : onExit) {
            close(e);
        }
    }

    private void close(Entry e) {
        try {
            e.hook().close();
        } catch (Exception | LinkageError x) {
            log.warn("hook did not close", "hook", e.type(), "error", x.toString());
        }
    }

    /** One hook of one service: at most one call at a time, the deaths in between coalesced. */
    private final class Runner {
        private final String service;
        private final Entry entry;
        private boolean running;
        private Death waiting;
        private int coalesced;

        Runner(String service, Entry entry) {
            this.service = service;
            this.entry = entry;
        }

        void submit(Death death) {
            synchronized (this) {
                if (running) {
                    if (waiting != null) {
                        coalesced++;
                        results.inc(service, entry.type(), "coalesced");
                    }
                    waiting = death;
                    return;
                }
                running = true;
                busy.incrementAndGet();
            }
            Thread.ofVirtual().name("kinesin-hook").start(() -> run(death));
        }

        private void run(Death first) {
            Death death = first;
            while (death != null) {
                Death call = death;
                outcome(service, entry, () -> entry.hook().onDeath(call));
                synchronized (this) {
                    death = waiting;
                    if (death != null) {
                        death = new Death(death.service(), death.instance(), death.pid(), death.status(), death.deaths(),
                                death.willRestart(), death.state(), death.at(), coalesced);
                        coalesced = 0;
                        waiting = null;
                    } else {
                        running = false;
                        busy.decrementAndGet();
                    }
                }
            }
        }
    }

}
