package io.kinesin.kernel.plugin;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.metrics.Counters;
import io.kinesin.kernel.process.Accounts;
import io.kinesin.kernel.process.Fds;
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

    /**
     * Where a plugin's child's start and exit are reported ({@code Child.exit()} and the stage
     * {@code spawn} returns complete here): a plugin's callbacks may then block (a preloader
     * started again when the last one died) without holding up the supervisor's loop.
     */
    private static final java.util.concurrent.ExecutorService CALLBACKS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "kinesin-plugin-callbacks");
        t.setDaemon(true);
        return t;
    });

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
        return new io.kinesin.spi.Spawner() {
            @Override
            public CompletionStage<Child> spawn(Command command) {
                return KernelContext.this.spawn(command, null).thenApply(linked -> linked);
            }

            @Override
            public CompletionStage<Linked> spawnLinked(Command command) {
                int[] pair;
                try {
                    pair = io.kinesin.kernel.process.Sockets.seqpacketPair();
                } catch (RuntimeException e) {
                    return CompletableFuture.failedFuture(e);
                }
                CompletionStage<Linked> linked = KernelContext.this.spawn(command, pair);
                return linked.whenComplete((l, e) -> {
                    Fds.close(pair[1]); // the child has its copy as fd 3
                    if (e != null) {
                        Fds.close(pair[0]);
                    }
                });
            }
        };
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

    /** @param pair a socket pair whose second end the child gets as fd 3 (its first is the link), or null */
    private CompletionStage<io.kinesin.spi.Spawner.Linked> spawn(io.kinesin.spi.Spawner.Command c, int[] pair) {
        Supervisor supervisor = kernel.loop().get();
        if (supervisor == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("kinesin is not running yet: spawn from a call the kernel makes at run time"));
        }
        SpawnSpec spec;
        try {
            spec = spec(c);
            if (pair != null) {
                spec = spec.withHandovers(List.of(new SpawnSpec.Handover(pair[1], 3)));
            }
        } catch (SpawnException | IllegalArgumentException e) {
            return CompletableFuture.failedFuture(e);
        }
        CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        CompletableFuture<Integer> started = new CompletableFuture<>();
        if (pair != null && supervisor.status().phase().compareTo(io.kinesin.kernel.supervise.Supervision.Phase.RUNNING) > 0) {
            // a linked child (a preloader) is for running services; started now, it would only
            // be stopped again with the orphans
            return CompletableFuture.failedFuture(new IllegalStateException("kinesin is shutting down; nothing more is started"));
        }
        // the plugin's callbacks run on a thread of the kernel's, never on the supervisor's loop
        supervisor.post(new Event.SpawnFor(spec, status -> CALLBACKS.execute(() -> exit.complete(status)), started, c.output()));
        return started.thenApplyAsync(pid -> {
            if (!c.timeout().equals(io.kinesin.spi.Spawner.Command.NO_TIMEOUT)) {
                var timeout = TIMEOUTS.schedule(() -> supervisor.post(new Event.SignalOwned(pid, Signal.KILL)),
                        c.timeout().toNanos(), TimeUnit.NANOSECONDS);
                exit.whenComplete((s, e) -> timeout.cancel(false));
            }
            Link link = pair == null ? null : new Link(pair[0]);
            return new io.kinesin.spi.Spawner.Linked() {
                @Override
                public io.kinesin.spi.Spawner.Link link() {
                    if (link == null) {
                        throw new IllegalStateException("spawned without a link: use spawnLinked");
                    }
                    return link;
                }

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
        }, CALLBACKS);
    }

    /** kinesin's end of a linked child's SOCK_SEQPACKET socket. */
    private static final class Link implements io.kinesin.spi.Spawner.Link {

        private static final int MAX_MESSAGE = 64 * 1024;

        private final int fd;
        /** Calls in flight; the fd is closed when the link is closed and none is (its number is never reused under a call). */
        private int inFlight;
        private boolean closed;
        private boolean fdClosed;

        Link(int fd) {
            this.fd = fd;
        }

        @Override
        public void send(byte[] message, java.time.Duration wait) throws IOException {
            send(message, new int[0], null, wait);
        }

        @Override
        public void send(byte[] message, io.kinesin.spi.Launcher.Fds fds, java.time.Duration wait) throws IOException {
            if (!(fds instanceof io.kinesin.kernel.supervise.LaunchFds own)) {
                throw new IllegalArgumentException("only the fds of a launch the kernel started can be passed on");
            }
            send(message, own.fds(), own, wait);
        }

        private void send(byte[] message, int[] fds, io.kinesin.kernel.supervise.LaunchFds lent, java.time.Duration wait)
                throws IOException {
            if (message.length == 0 || message.length > MAX_MESSAGE) {
                throw new IllegalArgumentException("a message has 1 to " + MAX_MESSAGE + " bytes, not " + message.length);
            }
            enter();
            try {
                if (lent != null && lent.released()) {
                    throw new IllegalStateException("the launch's stage has completed: its fds are kinesin's again");
                }
                if (!io.kinesin.kernel.process.Sockets.sendMessage(fd, message, fds, millis(wait))) {
                    throw new java.net.SocketTimeoutException("the linked process took no message within " + wait);
                }
            } catch (io.kinesin.kernel.process.NativeException e) {
                throw new IOException("cannot send to the linked process: " + e.getMessage(), e);
            } finally {
                leave();
            }
        }

        @Override
        public byte[] receive(java.time.Duration wait) throws IOException {
            enter();
            try {
                var r = io.kinesin.kernel.process.Sockets.receiveMessage(fd, MAX_MESSAGE, millis(wait));
                if (r instanceof io.kinesin.kernel.process.Sockets.Received.Message m) {
                    return m.data();
                }
                throw new java.net.SocketTimeoutException("no message from the linked process within " + wait);
            } catch (io.kinesin.kernel.process.NativeException e) {
                throw new java.io.EOFException("the linked process closed its end: " + e.getMessage());
            } finally {
                leave();
            }
        }

        private synchronized void enter() throws IOException {
            if (closed) {
                throw new java.io.EOFException("the link is closed");
            }
            inFlight++;
        }

        private void leave() {
            boolean close;
            synchronized (this) {
                inFlight--;
                close = closed && inFlight == 0 && !fdClosed;
                fdClosed |= close;
            }
            if (close) {
                Fds.close(fd);
            }
        }

        private static int millis(java.time.Duration wait) {
            return (int) Math.max(0, Math.min(Integer.MAX_VALUE, wait.toMillis()));
        }

        /** Closes kinesin's end now, or when the calls in flight (each bounded by its wait) are over. */
        @Override
        public void close() {
            boolean close;
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
                close = inFlight == 0;
                fdClosed |= close;
            }
            if (close) {
                Fds.close(fd);
            }
        }
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
