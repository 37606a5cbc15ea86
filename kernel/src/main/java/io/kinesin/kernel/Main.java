package io.kinesin.kernel;

import io.kinesin.kernel.cli.CliModes;
import io.kinesin.kernel.cli.CommandLine;
import io.kinesin.kernel.cli.Help;
import io.kinesin.kernel.cli.Invocation;
import io.kinesin.kernel.cli.Options;
import io.kinesin.kernel.cli.UsageException;
import io.kinesin.kernel.config.ConfigCommands;
import io.kinesin.kernel.control.ControlClient;
import io.kinesin.kernel.control.ControlSocket;
import io.kinesin.kernel.control.ControlSpec;
import io.kinesin.kernel.control.Request;
import io.kinesin.kernel.control.Self;
import io.kinesin.kernel.logbus.History;
import io.kinesin.kernel.config.ConfigException;
import io.kinesin.kernel.config.Planner;
import io.kinesin.kernel.logbus.LogBus;
import io.kinesin.kernel.logbus.SinkSpec;
import io.kinesin.kernel.process.Glibc;
import io.kinesin.kernel.config.ConfigLoader;
import io.kinesin.kernel.metrics.Counters;
import io.kinesin.kernel.plugin.KernelContext;
import io.kinesin.kernel.plugin.PluginBinding;
import io.kinesin.spi.LogSink;
import io.kinesin.kernel.plugin.PluginsCommand;
import io.kinesin.kernel.plugin.PluginsDir;
import io.kinesin.kernel.plugin.Slf4jBridge;
import io.kinesin.kernel.process.FdOutputStream;
import io.kinesin.kernel.process.NativeException;
import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.ProcSelf;
import io.kinesin.kernel.process.Processes;
import io.kinesin.kernel.process.SignalCatcher;
import io.kinesin.kernel.process.Terminal;
import io.kinesin.kernel.health.HealthChecks;
import io.kinesin.kernel.hooks.Hooks;
import io.kinesin.kernel.http.HttpEndpoint;
import io.kinesin.kernel.supervise.Plan;
import io.kinesin.kernel.supervise.ServiceSpec;
import io.kinesin.kernel.supervise.Supervisor;

import java.time.Duration;
import java.time.Instant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.Optional;

/**
 * kinesin's entry point: parse, plan, supervise, exit with the status the plan's rule gives.
 * Usage and config errors, and a C library older than glibc {@value Glibc#MINIMUM}, exit 2 with
 * one line on stderr, before anything is started.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Optional<String> glibc = Glibc.problem();
        if (glibc.isPresent()) {
            System.err.println(glibc.get());
            exit(2);
        }
        int status;
        try {
            status = run(CommandLine.parse(ProcSelf.arguments(args.length)));
        } catch (UsageException | ConfigException e) {
            System.err.println(e.getMessage());
            status = 2;
        } catch (RuntimeException | Error e) {
            System.err.println("kinesin: internal error: " + e);
            e.printStackTrace();
            status = 70; // EX_SOFTWARE
        }
        exit(status);
    }

    static int run(Invocation invocation) throws UsageException, ConfigException {
        return switch (invocation) {
            case Invocation.Help h -> {
                Help.print(System.out);
                yield 0;
            }
            case Invocation.Version v -> {
                System.out.println("kinesin " + version());
                yield 0;
            }
            case Invocation.Single s -> {
                Log log = log(s.options(), Log.Level.WARN);
                Optional<Terminal> terminal = Terminal.ofStdin();
                Plan plan = CliModes.single(s.options(), s.command(), ProcSelf.environment(), terminal.isPresent());
                yield supervise(plan, log, null, LogBus.DEFAULT_FLUSH, terminal, started -> { });
            }
            case Invocation.Multi m -> {
                Log log = log(m.options(), Log.Level.WARN);
                Plan plan = CliModes.multi(m.options(), m.commands(), ProcSelf.environment());
                yield supervise(plan, log, null, LogBus.DEFAULT_FLUSH, Optional.empty(), started -> { });
            }
            case Invocation.Control c -> {
                noHttp(c.options(), "the control commands");
                Path socket = ControlSpec.forCommand(c.options().control());
                int status = 0;
                for (Request request : c.requests()) {
                    status = Math.max(status, ControlClient.run(socket, request, System.out, System.err));
                }
                yield status;
            }
            case Invocation.Run r -> {
                List<byte[]> environment = ProcSelf.environment();
                ConfigLoader.Loaded loaded = ConfigCommands.read(ConfigCommands.locate(r.config()), environment);
                PluginBinding.Bound bound = bindPlugins(loaded, r.options());
                Planner.Result p = ConfigCommands.plan(bound.normalized(), environment, r.options());
                Log log = Log.queued(p.logFormat(), p.logLevel(), new FdOutputStream(p.logToStdout() ? 1 : 2));
                HttpEndpoint http = p.http() == null ? null : HttpEndpoint.bind(p.http()); // before anything that must be undone
                ControlSocket control = p.control().enabled() ? ControlSocket.bind(p.control(), log) : null;
                History history = control == null ? null : new History(p.control().history());
                AtomicReference<Supervisor> running = new AtomicReference<>();
                Map<String, Integer> replicas = new LinkedHashMap<>();
                p.plan().services().forEach(svc -> replicas.put(svc.name(), svc.replicas()));
                Map<String, LogSink> sinks = new LinkedHashMap<>(SinkSpec.openAll(p.sinks(), svc -> replicas.getOrDefault(svc, 1) > 1));
                Counters counters = new Counters();
                KernelContext.Kernel kernel = new KernelContext.Kernel(log, counters, PLUGIN_STATE, running::get,
                        replicas, loaded.directory());
                for (PluginBinding.BoundSink b : bound.sinks().values()) {
                    sinks.put(b.name(), PluginBinding.create(b, new KernelContext(b.plugin(), kernel)));
                }
                Map<String, List<HealthChecks.Entry>> checks = new LinkedHashMap<>();
                for (ServiceSpec svc : p.plan().services()) {
                    List<PluginBinding.BoundCheck> uses = bound.checks().getOrDefault(svc.name(), List.of());
                    List<HealthChecks.Entry> entries = new ArrayList<>(uses.size());
                    for (int k = 0; k < uses.size(); k++) {
                        PluginBinding.BoundCheck b = uses.get(k);
                        entries.add(new HealthChecks.Entry(svc.health().get(k), PluginBinding.create(b, new KernelContext(b.plugin(), kernel)),
                                b.plugin()));
                    }
                    if (!entries.isEmpty()) {
                        checks.put(svc.name(), entries);
                    }
                }
                Map<String, List<Hooks.Entry>> hooks = new LinkedHashMap<>();
                for (var e : bound.hooks().entrySet()) {
                    List<Hooks.Entry> entries = new ArrayList<>();
                    for (PluginBinding.BoundHook b : e.getValue()) {
                        entries.add(hookEntry(b, kernel));
                    }
                    hooks.put(e.getKey(), entries);
                }
                List<Hooks.Entry> exitHooks = new ArrayList<>();
                for (PluginBinding.BoundHook b : bound.exitHooks()) {
                    exitHooks.add(hookEntry(b, kernel));
                }
                Self self = new Self(version(), Processes.pid(), STARTED_AT);
                LogBus bus = new LogBus(sinks, history, p.bus(), log);
                Map<String, String> sinkPlugins = new LinkedHashMap<>();
                bound.sinks().values().forEach(b -> sinkPlugins.put(b.name(), b.plugin()));
                bus.counters().owners(sinkPlugins);
                counters.pluginErrors(); // the family is there from the start, if empty
                try {
                    Supervisor supervisor = new Supervisor(p.plan(), log, bus, p.logFlush(), Optional.empty(), checks, counters);
                    supervisor.hooks(new Hooks(hooks, exitHooks, log, counters));
                    Map<String, io.kinesin.spi.Launcher> launchers = new LinkedHashMap<>();
                    for (var e : bound.launchers().entrySet()) {
                        launchers.put(e.getKey(), PluginBinding.create(e.getValue(), new KernelContext(e.getValue().plugin(), kernel)));
                    }
                    supervisor.launchers(launchers);
                    yield supervise(supervisor, log, s -> {
                        running.set(s);
                        if (control != null) {
                            control.serve(s, history, p.plan(), self, log);
                        }
                        if (http != null) {
                            http.serve(s, p.plan(), self, bus.counters(), counters, log);
                        }
                    });
                } finally {
                    if (control != null) {
                        control.close();
                    }
                    if (http != null) {
                        http.close();
                    }
                }
            }
            case Invocation.Check c -> {
                List<byte[]> environment = ProcSelf.environment();
                ConfigLoader.Loaded loaded = ConfigCommands.read(ConfigCommands.locate(c.config()), environment);
                try (PluginBinding.Bound bound = bindPlugins(loaded, c.options())) {
                    ConfigCommands.plan(bound.normalized(), environment, c.options());
                    System.out.print(ConfigLoader.normalized(bound.normalized()));
                }
                yield 0;
            }
            case Invocation.Plugins p -> plugins(p.options());
        };
    }

    private static Hooks.Entry hookEntry(PluginBinding.BoundHook b, KernelContext.Kernel kernel) throws ConfigException {
        return new Hooks.Entry(b.type(), b.when() == null ? null : Hooks.When.of(b.when()), b.timeout(),
                PluginBinding.create(b, new KernelContext(b.plugin(), kernel)), b.plugin());
    }

    /** Loads plugins if the config names a plugin's kind, and binds each use; pf4j's logging goes to stderr's log. */
    private static PluginBinding.Bound bindPlugins(ConfigLoader.Loaded loaded, Options o) throws ConfigException, UsageException {
        if (loaded.usesPlugins()) {
            Slf4jBridge.route(log(o, Log.Level.WARN));
        }
        return PluginBinding.bind(loaded, o.pluginsDir());
    }

    private static int plugins(Options o) throws UsageException, ConfigException {
        noHttp(o, "kinesin plugins");
        Log log = log(o, Log.Level.WARN);
        Slf4jBridge.route(log);
        try {
            return PluginsCommand.run(PluginsDir.of(o.pluginsDir(), null), System.out);
        } finally {
            log.drain(LOG_DRAIN);
        }
    }

    private static void noHttp(Options o, String what) throws UsageException {
        if (o.http() != null) {
            throw new UsageException("--http: " + what + " serve no HTTP endpoint; it is kinesin run's");
        }
    }

    private static Log log(Options o, Log.Level modeDefault) {
        return Log.queued(o.logFormat() == null ? Log.Format.LOGFMT : o.logFormat(),
                o.logLevel() == null ? modeDefault : o.logLevel(), new FdOutputStream(2));
    }

    /** When kinesin started, as status shows it (this class is initialized as main begins). */
    private static final Instant STARTED_AT = Instant.now();

    /** How long kinesin's last log lines may take to be written when it exits. */
    private static final Duration LOG_DRAIN = Duration.ofSeconds(1);

    /** Where plugins' state dirs are made: kinesin's run dir, as the control socket's. */
    private static final Path PLUGIN_STATE = Path.of("/run/kinesin/plugins");

    private static int supervise(Plan plan, Log log, LogBus bus, Duration logFlush, Optional<Terminal> terminal,
                                 Consumer<Supervisor> started) {
        return supervise(new Supervisor(plan, log, bus, logFlush, terminal), log, started);
    }

    private static int supervise(Supervisor supervisor, Log log, Consumer<Supervisor> started) {
        started.accept(supervisor);
        int status = supervisor.run(SignalCatcher.catchable());
        log.drain(LOG_DRAIN);
        return status;
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** Exits at once: nothing is left to clean up, and shutdown hooks would only slow PID 1's exit. */
    private static void exit(int status) {
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(status);
    }
}
