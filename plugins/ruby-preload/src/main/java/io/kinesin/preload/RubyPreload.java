package io.kinesin.preload;

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
 * launch. A preloader found dead (the kernel reaped it) is replaced by the next launch;
 * workers already running are kinesin's children and are not touched.
 *
 * <p>Threads: the kernel's. Launches of one service take turns on the link (one request and
 * its reply at a time); each call, the wait for its turn included, is bounded by
 * {@code timeout}. Each stage is complete when the method returns: the launcher has no thread.
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
        return preloader;
    }

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
