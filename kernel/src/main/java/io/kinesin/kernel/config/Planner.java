package io.kinesin.kernel.config;

import io.kinesin.kernel.cli.Defaults;
import io.kinesin.kernel.control.ControlSpec;
import io.kinesin.kernel.http.Listen;
import io.kinesin.kernel.cli.Options;
import io.kinesin.kernel.cli.UsageException;
import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.logbus.BusSettings;
import io.kinesin.kernel.logbus.Output;
import io.kinesin.kernel.logbus.SinkSpec;
import io.kinesin.kernel.process.Accounts;
import io.kinesin.kernel.process.Errno;
import io.kinesin.kernel.process.SpawnException;
import io.kinesin.kernel.process.SpawnSpec;
import io.kinesin.kernel.process.Spawner;
import io.kinesin.kernel.supervise.Command;
import io.kinesin.kernel.supervise.ExitCodes;
import io.kinesin.kernel.supervise.Forwarding;
import io.kinesin.kernel.supervise.Ladder;
import io.kinesin.kernel.supervise.Plan;
import io.kinesin.kernel.supervise.ServiceSpec;
import io.kinesin.spi.Signal;
import io.kinesin.spi.Stream;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * From a config (and the command line's overrides) to what the supervisor runs, checking
 * against the machine what a config alone cannot say: programs exist and can run, directories
 * and files exist, users exist and kinesin may switch to them, setpriv is there. Relative
 * paths in the config (workdir, env-file, stdin files, a command like
 * {@code ./app}) are relative to the config file's directory.
 */
public final class Planner {

    /**
     * The plan and kinesin's own settings for a {@code run}.
     *
     * @param sinks    the console sinks to open
     * @param bus      each sink's queue, each stream's buffer and overflow, the longest line
     * @param logFlush how long sinks get to deliver at exit ({@code kinesin.shutdown.flush})
     * @param control  the control socket to serve, and the history it keeps
     * @param http     where the HTTP endpoint listens ({@code --http}, else {@code kinesin.http.listen}); null: none
     */
    public record Result(Plan plan, List<SinkSpec> sinks, BusSettings bus, Duration logFlush,
                         Log.Format logFormat, Log.Level logLevel, boolean logToStdout, ControlSpec control,
                         Listen http) {
    }

    private final ConfigFile config;
    private final Path dir;
    private final List<byte[]> environment;
    private final Options cli;
    private byte[] setpriv;

    private Planner(ConfigLoader.Loaded loaded, List<byte[]> environment, Options cli) {
        this.config = loaded.config();
        this.dir = loaded.directory();
        this.environment = environment;
        this.cli = cli;
    }

    /**
     * @param environment kinesin's own environment, which every service inherits
     * @param cli         options given on the command line, which win over {@code kinesin:}
     */
    public static Result plan(ConfigLoader.Loaded loaded, List<byte[]> environment, Options cli) throws ConfigException, UsageException {
        return new Planner(loaded, environment, cli).plan();
    }

    private Result plan() throws ConfigException, UsageException {
        Settings s = config.kinesin();
        Ladder ladder = cli.ladder().isEmpty() && cli.timeout() == null ? s.shutdown().ladder()
                : Defaults.ladder(cli.ladder().isEmpty() ? s.shutdown().signals() : cli.ladder(),
                cli.timeout() == null ? s.shutdown().timeout() : cli.timeout());
        Forwarding forwarding = forwarding(ladder);
        Map<Integer, Integer> codes = new HashMap<>(s.exitCodes());
        cli.exitCodes().forEach(c -> codes.put(c, 0));

        Map<String, SinkSpec> sinks = new LinkedHashMap<>();
        Map<String, Integer> queues = new LinkedHashMap<>();
        for (var e : config.sinks().entrySet()) {
            queues.put(e.getKey(), (int) e.getValue().queueBytes());
            if (!SinkConfig.isPlugin(e.getValue().type())) { // a plugin's kind is made by the plugin binding
                sinks.put(e.getKey(), e.getValue().spec(e.getKey()));
            }
        }

        List<ServiceSpec> services = new ArrayList<>();
        Map<BusSettings.Route, Output> outputs = new LinkedHashMap<>();
        for (var e : config.services().entrySet()) {
            services.add(service(e.getKey(), e.getValue(), ladder, forwarding));
            if (e.getValue().stdout().mode() == OutputConfig.Mode.SINKS) {
                outputs.put(new BusSettings.Route(e.getKey(), Stream.STDOUT), e.getValue().stdout().output());
            }
            if (e.getValue().stderr().mode() == OutputConfig.Mode.SINKS) {
                outputs.put(new BusSettings.Route(e.getKey(), Stream.STDERR), e.getValue().stderr().output());
            }
        }
        Plan plan = plan(services, ladder, forwarding, new ExitCodes(codes));
        BusSettings bus = new BusSettings((int) s.log().maxLine().bytes(), queues, outputs, BusSettings.DEFAULT_CALL_DEADLINE);
        return new Result(plan, List.copyOf(sinks.values()), bus, s.shutdown().flush(),
                cli.logFormat() != null ? cli.logFormat() : s.log().format(),
                cli.logLevel() != null ? cli.logLevel() : s.log().level(),
                s.log().output().equals("stdout"), s.controlConfig().spec(cli.control(), System.getenv(ControlSpec.ENV)),
                cli.http() != null ? Listen.parse(cli.http()) : s.httpListen());
    }

    private Forwarding forwarding(Ladder ladder) throws ConfigException, UsageException {
        Settings.SignalSettings s = config.kinesin().signals();
        Map<Signal, Signal> rewrite = new HashMap<>(Rewrites.signals(s.rewrite()));
        rewrite.putAll(cli.rewrite());
        boolean group = cli.group() != null ? cli.group() : s.target().equals(Target.GROUP);
        if (!cli.forward().isEmpty()) {
            return Defaults.forwarding(cli.forward(), group, rewrite, ladder, "-s", "-r");
        }
        try {
            return Defaults.forwarding(s.forward() == null ? List.of() : s.forward(), group, rewrite, ladder,
                    "kinesin.signals.forward", "kinesin.signals.rewrite");
        } catch (UsageException e) {
            throw new ConfigException("", e.getMessage());
        }
    }

    private ServiceSpec service(String name, ServiceConfig c, Ladder globalLadder, Forwarding global) throws ConfigException {
        String at = "services." + name;
        byte[] workdir = null;
        if (c.workdir() != null) {
            Path w = dir.resolve(c.workdir()).normalize();
            if (!Files.isDirectory(w)) {
                throw new ConfigException(at + ".workdir", "\"" + c.workdir() + "\" is not a directory (" + w + ")");
            }
            workdir = bytes(w.toString());
        }
        List<byte[]> env = environment(c, at);
        ServiceSpec.Launch launch = null;
        List<byte[]> argv;
        if (c.launcher().isExec()) {
            argv = argv(c, at, env, workdir);
        } else {
            // the launcher's plugin starts the instances; the command, if any, is the launcher's to read
            List<String> given = c.command() == null ? List.of() : c.command().args();
            launch = new ServiceSpec.Launch(c.launcher().type(), c.launcher().timeout(), given);
            argv = List.of(bytes(given.isEmpty() ? c.launcher().type() : String.join(" ", given)));
        }

        Command.UserSpec user = null;
        if (c.user() != null) {
            user = user(c.user(), at + ".user");
        }
        Command.Input stdin = switch (c.stdin()) {
            case "null" -> Command.Input.NULL;
            case "inherit" -> Command.Input.INHERIT;
            default -> {
                Path f = dir.resolve(c.stdin().substring(5)).normalize();
                if (!Files.isReadable(f)) {
                    throw new ConfigException(at + ".stdin", f + " does not exist or cannot be read");
                }
                yield new Command.Input.File(f.toString());
            }
        };
        Command command = new Command(argv, env, true, workdir, SpawnSpec.Session.NEW_SESSION, stdin,
                output(c.stdout()), output(c.stderr()), user);

        Map<Signal, Signal> rewrite = new HashMap<>(global.rewrite());
        rewrite.putAll(Rewrites.signals(c.signals().rewrite()));
        boolean group = cli.group() != null ? cli.group() : c.signals().target().equals(Target.GROUP);
        Ladder stop = c.stop().ladder();
        if (stop.equals(config.kinesin().shutdown().ladder())) {
            stop = globalLadder; // the command line's -k/-t also apply to services without their own stop
        }
        return new ServiceSpec(name, command, c.replicas(), c.essential(), c.restart(), c.backoff().backoff(),
                c.crashLoop().crashLoop(), c.dependsOn().on(), stop, new Forwarding(global.signals(), group, rewrite),
                c.ready().readiness(), c.health().stream().map(HealthConfig::spec).toList(), launch);
    }

    /** kinesin's environment, then the env-file, then env. */
    private List<byte[]> environment(ServiceConfig c, String at) throws ConfigException {
        Map<String, String> add = new LinkedHashMap<>();
        if (c.envFile() != null) {
            add.putAll(EnvFile.read(dir.resolve(c.envFile()), at + ".env-file"));
        }
        add.putAll(c.env());
        if (add.isEmpty()) {
            return environment;
        }
        List<byte[]> env = new ArrayList<>(environment.size() + add.size());
        for (byte[] entry : environment) {
            if (!add.containsKey(key(entry))) {
                env.add(entry);
            }
        }
        add.forEach((k, v) -> env.add(bytes(k + "=" + v)));
        return env;
    }

    private static String key(byte[] entry) {
        int eq = 0;
        while (eq < entry.length && entry[eq] != '=') {
            eq++;
        }
        return new String(entry, 0, eq, StandardCharsets.UTF_8);
    }

    /** The command, its program checked: found and executable, where the child will look. */
    private List<byte[]> argv(ServiceConfig c, String at, List<byte[]> env, byte[] workdir) throws ConfigException {
        List<String> args = new ArrayList<>(c.command().args());
        String program = args.getFirst();
        if (program.contains("/") && !program.startsWith("/") && workdir == null) {
            program = dir.resolve(program).normalize().toString(); // ./app: beside the config
            args.set(0, program);
        }
        byte[] path = Spawner.pathOf(env);
        try {
            Spawner.which(bytes(program), path, workdir);
        } catch (SpawnException e) {
            String hint = e.errno() == 2 ? suggestProgram(program, path) : null;
            throw new ConfigException(at + ".command", "\"" + program + "\" " + (e.errno() == 2 ? "not found" : "cannot be executed")
                    + " (" + Errno.name(e.errno()) + ")" + (hint == null ? "" : "; did you mean " + hint + "?"));
        }
        List<byte[]> out = new ArrayList<>(args.size());
        args.forEach(a -> out.add(bytes(a)));
        return out;
    }

    /** A program of a close name in the PATH or the same directory: {@code /usr/sbin/nginx} for {@code /usr/bin/ngnix}. */
    private static String suggestProgram(String program, byte[] path) {
        String base = program.substring(program.lastIndexOf('/') + 1);
        List<Path> dirs = new ArrayList<>();
        if (program.contains("/")) {
            Path parent = Path.of(program).getParent();
            if (parent != null) {
                dirs.add(parent);
            }
        }
        for (String d : new String(path == null ? "/bin:/usr/bin".getBytes() : path, StandardCharsets.UTF_8).split(":")) {
            if (!d.isEmpty()) {
                dirs.add(Path.of(d));
            }
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (Path d : dirs) {
            String[] names = d.toFile().list();
            if (names == null) {
                continue;
            }
            for (String n : names) {
                int dist = Suggestions.distance(base, n);
                if (dist < bestDistance && dist <= Math.max(1, base.length() / 3) && Files.isExecutable(d.resolve(n))) {
                    best = d.resolve(n).toString();
                    bestDistance = dist;
                }
            }
        }
        return best;
    }

    private Command.UserSpec user(String spec, String at) throws ConfigException {
        Accounts.Account account;
        try {
            account = Accounts.resolve(spec);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(at, e.getMessage());
        }
        int euid = Accounts.effectiveUid();
        if (euid != 0 && euid != account.uid()) {
            throw new ConfigException(at, "kinesin runs as uid " + euid + " and cannot switch to " + spec
                    + "; run kinesin as root, or remove user:");
        }
        if (setpriv == null) {
            setpriv = findSetpriv();
            if (setpriv == null) {
                throw new ConfigException(at, "switching users needs setpriv (util-linux), which is not installed; "
                        + "install util-linux, or remove user:");
            }
        }
        return new Command.UserSpec(spec, account.uid(), account.gid(), account.groups(), setpriv);
    }

    private byte[] findSetpriv() {
        byte[] path = Spawner.pathOf(environment);
        for (String candidate : List.of("setpriv", "/usr/bin/setpriv", "/bin/setpriv", "/usr/sbin/setpriv", "/sbin/setpriv")) {
            try {
                return Spawner.which(bytes(candidate), path, null);
            } catch (SpawnException e) {
                // next
            }
        }
        return null;
    }

    /** Sink names were checked against sinks: when the config was built (ConfigFile). */
    private static Command.Output output(OutputConfig o) {
        return switch (o.mode()) {
            case INHERIT -> Command.Output.INHERIT;
            case NULL -> Command.Output.NULL;
            case SINKS -> o.sinks().isEmpty() ? Command.Output.NULL : new Command.Output.Sinks(o.sinks());
        };
    }

    /** The plan; its dependency checks, reported at the config path they concern. */
    private static Plan plan(List<ServiceSpec> services, Ladder ladder, Forwarding forwarding, ExitCodes codes) throws ConfigException {
        try {
            return new Plan(services, ladder, forwarding, codes, Plan.StatusRule.FIRST_FAILURE);
        } catch (Plan.InvalidDependency e) {
            String at = "services." + e.service() + ".depends-on" + (e.dependency() == null ? "" : "." + e.dependency());
            List<String> names = services.stream().map(ServiceSpec::name).toList();
            if (e.dependency() != null && !names.contains(e.dependency())) {
                String near = Suggestions.nearest(e.dependency(), names);
                throw new ConfigException(at, "no service \"" + e.dependency() + "\"" + (near != null ? "; did you mean \"" + near + "\"?" : ""));
            }
            throw new ConfigException(at, e.detail());
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
