package io.kinesin.kernel.plugin;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.metrics.Counters;
import io.kinesin.kernel.process.Accounts;
import io.kinesin.kernel.process.SpawnException;
import io.kinesin.kernel.process.SpawnSpec;
import io.kinesin.kernel.process.Spawner;
import io.kinesin.kernel.supervise.Command;
import io.kinesin.kernel.supervise.Event;
import io.kinesin.kernel.supervise.Supervisor;
import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Metrics;
import io.kinesin.spi.PluginContext;
import io.kinesin.spi.Signal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the kernel lends one plugin. Spawning goes through the supervisor's loop
 * ({@link Event.SpawnFor}), so the one reaper sees every process; a process's timeout is a
 * {@link Event.SignalOwned} KILL to its process group, which the loop sends only while the
 * process has not been reaped.
 */
public final class KernelContext implements PluginContext {

    private static final ScheduledExecutorService TIMEOUTS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kinesin-plugin-timeouts");
        t.setDaemon(true);
        return t;
    });

    /**
     * What every plugin's context shares.
     *
     * @param loop            the running supervisor (null until it runs: spawning then fails)
     * @param stateRoot       where plugins' state dirs are made, one per plugin
     * @param replicas        each service's instance count
     * @param configDirectory the config file's directory
     */
    public record Kernel(Log log, Counters counters, Path stateRoot, Supplier<Supervisor> loop,
                         java.util.Map<String, Integer> replicas, Path configDirectory) {
        public Kernel {
            replicas = java.util.Map.copyOf(replicas);
        }
    }

    private final String plugin;
    private final Kernel kernel;
    private final PluginLogger logger;

    public KernelContext(String plugin, Kernel kernel) {
        this.plugin = plugin;
        this.kernel = kernel;
        this.logger = new PluginLogger(plugin, kernel.log(), System::nanoTime);
    }

    @Override
    public io.kinesin.spi.Spawner spawner() {
        return this::spawn;
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public System.Logger logger() {
        return logger;
    }

    @Override
    public Path stateDir() {
        Path dir = kernel.stateRoot().resolve(plugin);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the state dir " + dir, e);
        }
        return dir;
    }

    @Override
    public Metrics metrics() {
        return kernel.counters();
    }

    @Override
    public int replicas(String service) {
        return kernel.replicas().getOrDefault(service, 1);
    }

    @Override
    public Path configDirectory() {
        return kernel.configDirectory();
    }

    private CompletionStage<io.kinesin.spi.Spawner.Child> spawn(io.kinesin.spi.Spawner.Command c) {
        Supervisor supervisor = kernel.loop().get();
        if (supervisor == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("kinesin is not running yet: spawn from a call the kernel makes at run time"));
        }
        SpawnSpec spec;
        try {
            spec = spec(c);
        } catch (SpawnException | IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        CompletableFuture<Integer> started = new CompletableFuture<>();
        supervisor.post(new Event.SpawnFor(spec, exit::complete, started, c.output()));
        return started.thenApply(pid -> {
            var timeout = TIMEOUTS.schedule(() -> supervisor.post(new Event.SignalOwned(pid, Signal.KILL)),
                    c.timeout().toNanos(), TimeUnit.NANOSECONDS);
            exit.whenComplete((s, e) -> timeout.cancel(false));
            return new io.kinesin.spi.Spawner.Child() {
                @Override
                public long pid() {
                    return pid;
                }

                @Override
                public CompletionStage<ExitStatus> exit() {
                    return exit;
                }

                @Override
                public void signal(Signal signal) {
                    supervisor.post(new Event.SignalOwned(pid, signal));
                }
            };
        });
    }

    /** The kernel's spawn spec: the environment as given, its own session, the user through setpriv. */
    static SpawnSpec spec(io.kinesin.spi.Spawner.Command c) throws SpawnException {
        List<byte[]> env = new ArrayList<>();
        c.environment().forEach((k, v) -> env.add((k + "=" + v).getBytes(StandardCharsets.UTF_8)));
        List<byte[]> argv = new ArrayList<>();
        for (String a : c.argv()) {
            argv.add(a.getBytes(StandardCharsets.UTF_8));
        }
        if (c.user() != null) {
            Accounts.Account a = Accounts.resolve(c.user());
            byte[] setpriv = Spawner.which("setpriv".getBytes(StandardCharsets.US_ASCII), Spawner.pathOf(env), null);
            argv = new Command.UserSpec(c.user(), a.uid(), a.gid(), a.groups(), setpriv).wrap(argv);
        }
        // with an output name the loop puts its stdout and stderr on the log bus under that name
        // (kinesin's own stdout and stderr where there is no bus: the CLI modes)
        SpawnSpec.Stdio out = c.output() == null ? SpawnSpec.Stdio.NULL : SpawnSpec.Stdio.INHERIT;
        return new SpawnSpec(argv, env, c.workdir() == null ? null : c.workdir().toString().getBytes(StandardCharsets.UTF_8),
                SpawnSpec.Session.NEW_SESSION, SpawnSpec.Stdio.NULL, out, out);
    }
}
