package io.kinesin.preload;

import io.kinesin.spi.Budget;
import io.kinesin.spi.Launcher;
import io.kinesin.spi.PluginContext;

import java.lang.System.Logger.Level;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A service's {@code ruby-preload} launcher: keeps one preloader, started by the first launch
 * (which brings the environment, workdir and user it runs with), and asks it for a worker per
 * launch. A preloader that dies is replaced at once ({@link #died}), or, if it died right
 * after its start, by the next launch; workers already running are kinesin's children and are
 * not touched.
 *
 * <p>Threads: the kernel's (launches and reloads on its launch threads, a preloader's death on
 * its callback thread). Launches of one service take turns on the link (one request and its
 * reply at a time); each call, the wait for its turn included, is bounded by {@code timeout}.
 * Each stage is complete when the method returns: the launcher has no thread.
 */
final class RubyPreload implements Launcher {

    private final RubyPreloadConfig config;
    private final PluginContext context;
    private final ReentrantLock turn = new ReentrantLock();
    private volatile Preloader current; // written with the turn held
    private volatile Preloader.Origin origin; // the latest launch's; a reload starts its preloader from it
    private volatile boolean closed;

    RubyPreload(RubyPreloadConfig config, PluginContext context) {
        this.config = config;
        this.context = context;
    }

    @Override
    public CompletionStage<Launched> launch(LaunchSpec spec) {
        Budget budget = new Budget(config.timeout());
        try {
            return CompletableFuture.completedFuture(launch(spec, budget));
        } catch (LaunchFailed | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        }
    }

    private Launched launch(LaunchSpec spec, Budget budget) throws LaunchFailed, InterruptedException {
        takeTurn(budget, spec.service() + "." + spec.instance());
        try {
            origin = Preloader.Origin.of(spec);
            boolean fresh = false;
            while (true) {
                Preloader preloader = current;
                if (preloader == null || !preloader.alive()) {
                    if (preloader != null) {
                        context.logger().log(Level.INFO, spec.service() + ": the preloader (pid " + preloader.pid()
                                + ") is gone; starting a fresh one");
                        preloader.close();
                    }
                    preloader = start(origin, budget);
                    fresh = true;
                    current = preloader;
                }
                try {
                    return preloader.fork(spec, config.run(), budget);
                } catch (Preloader.Gone e) {
                    if (fresh) {
                        throw new LaunchFailed(e.getMessage());
                    }
                    // it died since the kernel last told us; a fresh one gets this launch
                }
            }
        } finally {
            turn.unlock();
        }
    }

    /**
     * {@code kinesin restart}: a fresh preloader loads the app (old launches keep using the old
     * one meanwhile), then takes over, and the old one is stopped. If the fresh one cannot load,
     * the old one stays and the stage fails. Before any launch there is nothing to reload.
     */
    @Override
    public CompletionStage<Void> reload() {
        Budget budget = new Budget(config.timeout());
        Preloader.Origin from = origin;
        if (from == null || closed) {
            return CompletableFuture.completedFuture(null);
        }
        try {
            Preloader fresh = start(from, budget);
            Preloader old;
            try {
                takeTurn(budget, from.service() + " (reload)");
            } catch (LaunchFailed | InterruptedException e) {
                fresh.close();
                throw e;
            }
            try {
                if (closed) {
                    fresh.close();
                    return CompletableFuture.completedFuture(null);
                }
                old = current;
                current = fresh;
            } finally {
                turn.unlock();
            }
            if (old != null) {
                old.close();
            }
            return CompletableFuture.completedFuture(null);
        } catch (LaunchFailed | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Stops the preloader (its link closed, TERM); workers are the kernel's. Idempotent. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        boolean mine = turn.tryLock(config.timeout().toNanos(), TimeUnit.NANOSECONDS);
        try {
            Preloader preloader = current;
            current = null;
            if (preloader != null) {
                preloader.close();
            }
        } finally {
            if (mine) {
                turn.unlock();
            }
        }
    }

    private Preloader start(Preloader.Origin from, Budget budget) throws LaunchFailed, InterruptedException {
        long began = System.nanoTime();
        Preloader preloader = Preloader.start(config, context, from, budget);
        context.logger().log(Level.INFO, from.service() + ": preloader pid " + preloader.pid() + " loaded " + config.load()
                + " in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began) + " ms");
        preloader.exit().thenRun(() -> died(preloader));
        return preloader;
    }

    /**
     * The kernel reaped a preloader (on its callback thread). If it was the one in use and
     * nobody closed it, a fresh one loads the app at once, so that the next worker is forked,
     * not booted; the workers already running are left alone. One that dies within
     * {@link #SHORTEST_LIFE} of loading is not started again here (no restart loop): the next
     * start of a worker starts one.
     */
    private void died(Preloader preloader) {
        if (closed || preloader.closedByUs() || current != preloader) {
            return;
        }
        if (preloader.age().compareTo(SHORTEST_LIFE) < 0) {
            context.logger().log(Level.WARNING, preloader.origin().service() + ": the preloader (pid " + preloader.pid()
                    + ") died " + preloader.age().toMillis() + " ms after it started; the next worker's start starts a fresh one");
            return;
        }
        // logged once it has loaded (at the end of a shutdown kinesin starts nothing: no fresh one, and no word of it)
        context.logger().log(Level.DEBUG, preloader.origin().service() + ": the preloader (pid " + preloader.pid()
                + ") died; starting a fresh one");
        Budget budget = new Budget(config.timeout());
        try {
            takeTurn(budget, preloader.origin().service() + " (a fresh preloader)");
        } catch (LaunchFailed e) {
            context.logger().log(Level.WARNING, e.getMessage());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        try {
            if (current == preloader && !closed) { // no launch has replaced it meanwhile
                preloader.close();
                current = null;
                current = start(preloader.origin(), budget);
                context.logger().log(Level.INFO, preloader.origin().service() + ": the preloader pid " + preloader.pid()
                        + " had died; pid " + current.pid() + " took its place (the workers kept running)");
            }
        } catch (LaunchFailed e) {
            // at the end of a shutdown kinesin stops the preloader with the orphans, and starts nothing more
            context.logger().log(e.getMessage().contains("shutting down") ? Level.DEBUG : Level.WARNING,
                    preloader.origin().service() + ": no fresh preloader: " + e.getMessage() + "; the next worker's start tries again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            turn.unlock();
        }
    }

    /** A preloader that dies sooner after its start than this is not started again at once. */
    private static final java.time.Duration SHORTEST_LIFE = java.time.Duration.ofSeconds(1);

    private void takeTurn(Budget budget, String what) throws LaunchFailed, InterruptedException {
        if (!turn.tryLock(budget.leftNanos(), TimeUnit.NANOSECONDS)) {
            throw new LaunchFailed("waited " + budget.total() + " for the service's other starts to start " + what);
        }
        if (closed) {
            turn.unlock();
            throw new LaunchFailed("the launcher is closed (kinesin is stopping)");
        }
    }
}
