package io.kinesin.preload;

import io.kinesin.spi.Budget;
import io.kinesin.spi.Launcher;
import io.kinesin.spi.PluginContext;
import io.kinesin.spi.Signal;
import io.kinesin.spi.Spawner;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running preloader: {@code ruby -e BOOTSTRAP}, started by the kernel with fd 3 its end of
 * the link; the bootstrap reads the program ({@code preloader.rb}) as the link's first message,
 * so nothing is written to a file. Not thread-safe: its launcher sends one request and reads
 * its reply at a time.
 */
final class Preloader implements AutoCloseable {

    /** What {@code ps} shows until the program names itself {@code kinesin-preload: SERVICE}. */
    static final String BOOTSTRAP = "require \"socket\";"
            + "eval(BasicSocket.for_fd(3).tap{|s|s.autoclose=false}.recv(65536),TOPLEVEL_BINDING,\"kinesin-preload\")";

    static final byte[] PROGRAM = program();

    /** An instance's own variables: the preloader is started without them, each worker gets its own. */
    private static final Set<String> PER_INSTANCE = Set.of("KINESIN_INSTANCE", "KINESIN_STATUS_FD", "KINESIN_WORKER_ID", "NOTIFY_SOCKET");

    /**
     * Where a service's preloader runs, taken from a launch: its environment (the instance's
     * less its own variables), workdir and user.
     */
    record Origin(String service, Map<String, String> environment, Path workdir, String user) {
        static Origin of(Launcher.LaunchSpec spec) {
            Map<String, String> env = new LinkedHashMap<>(spec.environment());
            env.keySet().removeIf(name -> PER_INSTANCE.contains(name) || name.startsWith("WATCHDOG_"));
            return new Origin(spec.service(), Map.copyOf(env), spec.workdir(), spec.user());
        }
    }

    /** The link broke before a request was sent: nothing was forked, a fresh preloader may try. */
    static final class Gone extends Exception {
        Gone(String message) {
            super(message, null, false, false);
        }
    }

    private final Spawner.Linked child;
    private final Origin origin;
    private final long startedNanos = System.nanoTime();
    private volatile boolean dead;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Preloader(Spawner.Linked child, Origin origin) {
        this.child = child;
        this.origin = origin;
    }

    /** Starts a preloader and waits, within the budget, until it has loaded the app. */
    static Preloader start(RubyPreloadConfig config, PluginContext context, Origin origin, Budget budget)
            throws LaunchFailed, InterruptedException {
        String ruby = ruby(config.ruby(), context.configDirectory());
        var command = new Spawner.Command(List.of(ruby, "-e", BOOTSTRAP), origin.environment(), origin.workdir(), origin.user(),
                "preload:" + origin.service(), Spawner.Command.NO_TIMEOUT);
        var started = context.spawner().spawnLinked(command);
        Spawner.Linked child;
        try {
            child = budget.await(started);
        } catch (ExecutionException e) {
            throw new LaunchFailed("cannot start the preloader (" + ruby + "): " + LaunchFailed.why(e.getCause()));
        } catch (TimeoutException e) {
            started.thenAccept(Preloader::stop); // if it starts after all, it is not used
            throw new LaunchFailed("the preloader (" + ruby + ") did not start within " + budget.total());
        }
        Preloader preloader = new Preloader(child, origin);
        child.exit().thenRun(() -> preloader.dead = true);
        try {
            child.link().send(PROGRAM, budget.left());
            child.link().send(Messages.load(origin.service(), load(config.load(), origin.workdir(), context.configDirectory())),
                    budget.left());
            String reply = new String(child.link().receive(budget.left()), StandardCharsets.UTF_8);
            if (reply.equals("loaded")) {
                return preloader;
            }
            preloader.close();
            throw new LaunchFailed("the preloader could not load " + config.load() + ": "
                    + (reply.startsWith("error ") ? reply.substring(6).strip() : reply));
        } catch (SocketTimeoutException e) {
            preloader.close();
            throw new LaunchFailed("the preloader did not load " + config.load() + " within " + budget.total());
        } catch (IOException e) {
            preloader.close();
            throw new LaunchFailed("the preloader ended before it loaded " + config.load() + " (its output is labelled preload:"
                    + origin.service() + "): " + LaunchFailed.why(e));
        }
    }

    long pid() {
        return child.pid();
    }

    Origin origin() {
        return origin;
    }

    /** Completes when the kernel has reaped it, on the kernel's callback thread. */
    java.util.concurrent.CompletionStage<?> exit() {
        return child.exit();
    }

    /** Whether the plugin itself closed it (replaced, given up, or the launcher closed). */
    boolean closedByUs() {
        return closed.get();
    }

    /** How long it had been running. */
    java.time.Duration age() {
        return java.time.Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** False once the kernel has reaped it (or the plugin gave up on it). */
    boolean alive() {
        return !dead;
    }

    /**
     * Forks one instance: sends the request with the instance's fds and waits for the worker's
     * pid. A preloader that does not answer in time is given up (closed): a late answer would
     * be taken for the next request's.
     *
     * @throws Gone the request could not be sent (the preloader is gone; nothing was forked)
     */
    Launcher.Launched fork(Launcher.LaunchSpec spec, String run, Budget budget) throws LaunchFailed, Gone {
        Map<String, String> set = new LinkedHashMap<>();
        spec.environment().forEach((name, value) -> {
            if (!value.equals(origin.environment().get(name))) {
                set.put(name, value);
            }
        });
        List<String> unset = new ArrayList<>();
        origin.environment().keySet().forEach(name -> {
            if (!spec.environment().containsKey(name)) {
                unset.add(name);
            }
        });
        Launcher.Fds fds = spec.fds() == null ? List::of : spec.fds();
        byte[] request = Messages.fork(spec.instance(), set, unset, fds.numbers(), run);
        if (request.length > Messages.MAX) {
            throw new LaunchFailed("the request to fork " + spec.service() + "." + spec.instance() + " has " + request.length
                    + " bytes, over the link's " + Messages.MAX + ": its environment differs too much from the preloader's");
        }
        try {
            child.link().send(request, fds, budget.left());
        } catch (SocketTimeoutException e) {
            close();
            throw new LaunchFailed("the preloader (pid " + pid() + ") took no request within " + budget.total() + "; it is stopped");
        } catch (IOException e) {
            close();
            throw new Gone("the preloader (pid " + pid() + ") is gone: " + LaunchFailed.why(e));
        }
        String reply;
        try {
            reply = new String(child.link().receive(budget.left()), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            close();
            throw new LaunchFailed("the preloader (pid " + pid() + ") did not fork within " + budget.total() + "; it is stopped");
        } catch (IOException e) {
            close();
            throw new LaunchFailed("the preloader (pid " + pid() + ") ended while forking: " + LaunchFailed.why(e));
        }
        if (reply.startsWith("pid ")) {
            try {
                return new Launcher.Launched(Long.parseLong(reply.substring(4).strip()));
            } catch (NumberFormatException e) {
                // falls through to the failure below
            }
        }
        throw new LaunchFailed("the preloader could not fork: " + (reply.startsWith("error ") ? reply.substring(6).strip() : reply));
    }

    /** Closes the link (the preloader reads EOF and ends) and sends it TERM; idempotent. */
    @Override
    public void close() {
        dead = true;
        if (closed.compareAndSet(false, true)) {
            stop(child);
        }
    }

    private static void stop(Spawner.Linked child) {
        child.link().close();
        child.signal(Signal.TERM);
    }

    /**
     * {@code load} as the preloader requires it: a relative path from the service's workdir (the
     * preloader's), or from the config file's directory when the service has none, as a
     * relative command is.
     */
    static String load(String load, Path workdir, Path configDirectory) {
        return workdir != null ? load : configDirectory.resolve(load).toString();
    }

    /** A relative program with a {@code /} ({@code ./bin/ruby}) is meant from the config file's directory, as a service's command. */
    static String ruby(String ruby, Path configDirectory) {
        return ruby.indexOf('/') < 0 || ruby.startsWith("/") ? ruby : configDirectory.resolve(ruby).normalize().toString();
    }

    private static byte[] program() {
        try (InputStream in = Preloader.class.getResourceAsStream("preloader.rb")) {
            if (in == null) {
                throw new IllegalStateException("preloader.rb is missing from the ruby-preload plugin's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read preloader.rb from the ruby-preload plugin's jar", e);
        }
    }
}
