package io.kinesin.kernel.config;

import io.kinesin.kernel.supervise.Readiness;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.kinesin.kernel.supervise.Backoff;
import io.kinesin.kernel.supervise.CrashLoop;
import io.kinesin.kernel.supervise.RestartPolicy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.Map;

/**
 * One entry under {@code services:}. Absent keys get their defaults here, except {@code stop},
 * which defaults to {@code kinesin.shutdown} ({@link #withDefaults}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ServiceConfig(@JsonProperty("command") Argv command,
                     @JsonProperty("env") @JsonDeserialize(contentUsing = EnvValue.class) Map<String, String> env,
                     @JsonProperty("env-file") String envFile,
                     @JsonProperty("workdir") String workdir,
                     @JsonProperty("user") String user,
                     @JsonProperty("replicas") Integer replicas,
                     @JsonProperty("essential") Boolean essential,
                     @JsonProperty("restart") RestartPolicy restart,
                     @JsonProperty("backoff") BackoffConfig backoff,
                     @JsonProperty("crash-loop") CrashLoopConfig crashLoop,
                     @JsonProperty("depends-on") Dependencies dependsOn,
                     @JsonProperty("ready") ReadyConfig ready,
                     @JsonProperty("health") List<HealthConfig> health,
                     @JsonProperty("stdin") String stdin,
                     @JsonProperty("stdout") OutputConfig stdout,
                     @JsonProperty("stderr") OutputConfig stderr,
                     @JsonProperty("signals") ServiceSignals signals,
                     @JsonProperty("stop") LadderConfig stop,
                     @JsonProperty("on-death") List<HookConfig> onDeath,
                     @JsonProperty("launcher") LauncherConfig launcher) {

    ServiceConfig {
        launcher = launcher == null ? LauncherConfig.EXEC : launcher;
        if (command == null && launcher.isExec()) {
            throw ConfigProblem.missing("command", "every service needs a command, e.g. command: [/usr/bin/app, --port, \"8080\"]");
        }
        env = env == null ? Map.of() : new LinkedHashMap<>(env);
        for (var e : env.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().indexOf('=') >= 0 || e.getKey().indexOf('\0') >= 0) {
                throw new ConfigProblem("env", "\"" + e.getKey() + "\" is not a variable name (no '=', not empty)");
            }
            if (e.getValue() == null) {
                throw new ConfigProblem("env." + e.getKey(), "has no value; write \"\" for an empty one");
            }
        }
        replicas = replicas == null ? 1 : replicas;
        if (replicas < 1 || replicas > 10_000) {
            throw new ConfigProblem("replicas", replicas + " is out of range; expected 1 to 10000 instances");
        }
        essential = essential == null || essential;
        restart = restart == null ? RestartPolicy.NO : restart;
        backoff = backoff == null ? BackoffConfig.DEFAULT : backoff;
        crashLoop = crashLoop == null ? CrashLoopConfig.DEFAULT : crashLoop;
        dependsOn = dependsOn == null ? new Dependencies(Map.of()) : dependsOn;
        ready = ready == null ? ReadyConfig.DEFAULT : ready;
        health = health == null ? List.of() : List.copyOf(health);
        if (ready.protocol().equals("health") && health.isEmpty()) {
            throw new ConfigProblem("ready.notify", "readiness by health needs a health check; add one under health:, e.g. "
                    + "health: [{ type: http, url: \"http://127.0.0.1:8080/healthz\" }]");
        }
        stdin = stdin == null ? "null" : stdin;
        if (!stdin.equals("null") && !stdin.equals("inherit") && !(stdin.startsWith("file:") && stdin.length() > 5)) {
            throw new ConfigProblem("stdin", "unknown stdin \"" + stdin + "\"; expected null, inherit or file:/path");
        }
        stdout = stdout == null ? OutputConfig.CONSOLE : stdout;
        stderr = stderr == null ? OutputConfig.CONSOLE : stderr;
        if (ready.protocol().equals("log") && stdout.mode() != OutputConfig.Mode.SINKS && stderr.mode() != OutputConfig.Mode.SINKS) {
            throw new ConfigProblem("ready.notify", "readiness by log reads the service's lines on the log bus, but its stdout and "
                    + "stderr bypass it (inherit or null); send one of them to sinks, e.g. stdout: { sinks: [console] }");
        }
        signals = signals == null ? ServiceSignals.DEFAULT : signals;
        onDeath = onDeath == null ? List.of() : onDeath.stream().map(HookConfig::forDeaths).toList();
    }

    /** {@code stop} defaults to {@code kinesin.shutdown}, {@code signals.target} to {@code kinesin.signals.target}. */
    ServiceConfig withDefaults(Settings settings) {
        ServiceSignals s = signals.target() != null ? signals : new ServiceSignals(settings.signals().target(), signals.rewrite());
        return new ServiceConfig(command, env, envFile, workdir, user, replicas, essential, restart, backoff, crashLoop,
                dependsOn, ready, health, stdin, stdout, stderr, s, stop != null ? stop : settings.shutdown().stop(), onDeath, launcher);
    }

    /** The same service with its hooks' kind keys replaced, in order. */
    ServiceConfig withHooks(List<Map<String, JsonNode>> options) {
        return new ServiceConfig(command, env, envFile, workdir, user, replicas, essential, restart, backoff, crashLoop,
                dependsOn, ready, health, stdin, stdout, stderr, signals, stop, bound(onDeath, options, HookConfig::bound), launcher);
    }

    /** The same service with its health checks' kind keys replaced, in order. */
    ServiceConfig withHealth(List<Map<String, JsonNode>> options) {
        return new ServiceConfig(command, env, envFile, workdir, user, replicas, essential, restart, backoff, crashLoop,
                dependsOn, ready, bound(health, options, HealthConfig::bound), stdin, stdout, stderr, signals, stop, onDeath, launcher);
    }

    /** The same service with its launcher's kind keys replaced. */
    ServiceConfig withLauncher(Map<String, JsonNode> options) {
        return new ServiceConfig(command, env, envFile, workdir, user, replicas, essential, restart, backoff, crashLoop,
                dependsOn, ready, health, stdin, stdout, stderr, signals, stop, onDeath, launcher.bound(options));
    }

    /** Each entry with its kind's keys replaced by the bound form at the same index. */
    private static <E> List<E> bound(List<E> entries, List<Map<String, JsonNode>> options,
                                     java.util.function.BiFunction<E, Map<String, JsonNode>, E> bind) {
        List<E> out = new java.util.ArrayList<>(entries.size());
        for (int k = 0; k < entries.size(); k++) {
            out.add(bind.apply(entries.get(k), options.get(k)));
        }
        return out;
    }

    /** {@code backoff}: the delay before restart n is initial × factor^n, at most max; reset after a long run. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BackoffConfig(@JsonProperty("initial") Duration initial, @JsonProperty("max") Duration max,
                         @JsonProperty("factor") Double factor, @JsonProperty("reset-after") Duration resetAfter) {

        static final BackoffConfig DEFAULT = new BackoffConfig(null, null, null, null);

        BackoffConfig {
            initial = initial == null ? Backoff.DEFAULT.initial() : initial;
            max = max == null ? (Backoff.DEFAULT.max().compareTo(initial) < 0 ? initial : Backoff.DEFAULT.max()) : max;
            factor = factor == null ? Backoff.DEFAULT.factor() : factor;
            resetAfter = resetAfter == null ? Backoff.DEFAULT.resetAfter() : resetAfter;
            try {
                new Backoff(initial, max, factor, resetAfter);
            } catch (IllegalArgumentException e) {
                throw new ConfigProblem(e.getMessage());
            }
        }

        Backoff backoff() {
            return new Backoff(initial, max, factor, resetAfter);
        }
    }

    /** {@code crash-loop}: more than {@code deaths} deaths within {@code within} and the instance is FAILED. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record CrashLoopConfig(@JsonProperty("deaths") Integer deaths, @JsonProperty("within") Duration within) {

        static final CrashLoopConfig DEFAULT = new CrashLoopConfig(null, null);

        CrashLoopConfig {
            deaths = deaths == null ? CrashLoop.DEFAULT.deaths() : deaths;
            within = within == null ? CrashLoop.DEFAULT.within() : within;
            if (deaths < 1) {
                throw new ConfigProblem("deaths", deaths + " is too few; expected 1 or more");
            }
            if (within.isZero() || within.isNegative()) {
                throw new ConfigProblem("within", "must be > 0");
            }
        }

        CrashLoop crashLoop() {
            return new CrashLoop(deaths, within);
        }
    }

    /**
     * {@code ready}: when an instance counts as ready. {@code timeout} defaults to 60s once a
     * protocol is set ({@code 0s}: no limit); {@code watchdog} is for {@code systemd},
     * {@code fd} for {@code fd} and {@code ack} (default 3), {@code pattern} for {@code log}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ReadyConfig(@JsonProperty("notify") String protocol, @JsonProperty("timeout") Duration timeout,
                       @JsonProperty("watchdog") Duration watchdog, @JsonProperty("fd") Integer fd,
                       @JsonProperty("pattern") String pattern) {

        static final ReadyConfig DEFAULT = new ReadyConfig(null, null, null, null, null);
        static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

        ReadyConfig {
            protocol = protocol == null ? "none" : protocol.strip().toLowerCase(Locale.ROOT);
            switch (protocol) {
                case "none", "systemd", "fd", "ack", "log", "health" -> {
                }
                default -> throw new ConfigProblem("notify", "unknown readiness \"" + protocol + "\"; expected none, systemd, fd, ack, log, health");
            }
            if (protocol.equals("none")) {
                if (timeout != null) {
                    throw new ConfigProblem("timeout", "a readiness timeout needs a readiness protocol; set notify: systemd, fd, ack, log or health");
                }
            } else {
                timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
                if (timeout.isNegative()) {
                    throw new ConfigProblem("timeout", "must be >= 0 (0s: no limit)");
                }
            }
            only(watchdog, "watchdog", "systemd", protocol);
            if (watchdog != null && (watchdog.isNegative() || watchdog.isZero())) {
                throw new ConfigProblem("watchdog", "must be > 0");
            }
            if (fd != null && !protocol.equals("fd") && !protocol.equals("ack")) {
                throw new ConfigProblem("fd", "is for notify: fd and notify: ack (the child's fd number); this service has notify: " + protocol);
            }
            if (protocol.equals("fd") || protocol.equals("ack")) {
                fd = fd == null ? Readiness.DEFAULT_FD : fd;
                if (fd < 3 || fd > 1023) {
                    throw new ConfigProblem("fd", fd + " is out of range; expected 3 to 1023 (0-2 are stdin, stdout, stderr)");
                }
            }
            only(pattern, "pattern", "log", protocol);
            if (protocol.equals("log")) {
                if (pattern == null || pattern.isEmpty()) {
                    throw ConfigProblem.missing("pattern", "notify: log needs the line to wait for, e.g. pattern: \"listening on\"");
                }
                try {
                    Pattern.compile(pattern);
                } catch (PatternSyntaxException e) {
                    throw new ConfigProblem("pattern", "not a regular expression: " + e.getDescription() + " near index " + e.getIndex());
                }
            }
        }

        private static void only(Object value, String key, String protocol, String actual) {
            if (value != null && !actual.equals(protocol)) {
                throw new ConfigProblem(key, "is for notify: " + protocol + "; this service has notify: " + actual);
            }
        }

        Readiness readiness() {
            if (protocol.equals("none")) {
                return Readiness.AT_ONCE;
            }
            return new Readiness(Readiness.Protocol.valueOf(protocol.toUpperCase(Locale.ROOT)), timeout,
                    watchdog == null ? Duration.ZERO : watchdog, fd == null ? 0 : fd, pattern == null ? null : Pattern.compile(pattern));
        }
    }

    /** A service's own {@code signals}: where forwarded signals go and how they are rewritten. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ServiceSignals(@JsonProperty("target") String target, @JsonProperty("rewrite") Map<String, String> rewrite) {

        static final ServiceSignals DEFAULT = new ServiceSignals(null, null);

        ServiceSignals {
            target = Target.parse(target, "target");
            rewrite = Rewrites.check(rewrite, "rewrite");
        }
    }

    /**
     * {@code launcher}: {@code exec} (posix_spawn) is built in; plugins add others
     * ({@code ruby-preload}). {@code type} and {@code timeout} (how long one instance's launch
     * may take, default 60s) are kinesin's; {@code timeout} is handed to the kind too, with the
     * kind's own keys, which stay in {@code options} until plugins are loaded.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LauncherConfig(@JsonProperty("type") String type,
                          @JsonProperty("timeout") Duration timeout,
                          @com.fasterxml.jackson.annotation.JsonAnySetter @com.fasterxml.jackson.annotation.JsonAnyGetter
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> options) {

        static final LauncherConfig EXEC = new LauncherConfig("exec", null, null);
        static final List<String> KEYS = List.of("type", "timeout");
        static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

        LauncherConfig {
            type = type == null ? "exec" : type.strip().toLowerCase(Locale.ROOT);
            options = options == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(options));
            if (type.equals("exec")) {
                if (timeout != null || !options.isEmpty()) {
                    throw new ConfigProblem(timeout != null ? "timeout" : options.keySet().iterator().next(),
                            "the exec launcher has no settings; remove it, or name a plugin's launcher type (ruby-preload)");
                }
            } else {
                timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
                if (timeout.isZero() || timeout.isNegative()) {
                    throw new ConfigProblem("timeout", "must be > 0");
                }
            }
        }

        boolean isExec() {
            return type.equals("exec");
        }

        /** What the kind's plugin binds: its own keys and the normalized {@code timeout}. */
        Map<String, JsonNode> pluginNode() {
            Map<String, JsonNode> node = new java.util.TreeMap<>(options);
            node.put("timeout", com.fasterxml.jackson.databind.node.TextNode.valueOf(io.kinesin.kernel.supervise.Durations.format(timeout)));
            return node;
        }

        /** The same launcher with the kind's keys in their bound, normalized form ({@code timeout} is kinesin's to print). */
        LauncherConfig bound(Map<String, JsonNode> normalized) {
            Map<String, JsonNode> own = new java.util.TreeMap<>(normalized);
            own.remove("timeout");
            return new LauncherConfig(type, timeout, own);
        }
    }
}
