package io.kinesin.kernel.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import io.kinesin.kernel.config.ConfigException;
import io.kinesin.kernel.config.ConfigLoader;
import io.kinesin.kernel.config.Suggestions;
import io.kinesin.kernel.process.Accounts;
import io.kinesin.spi.Factory;
import io.kinesin.spi.DeathHookFactory;
import io.kinesin.spi.HealthCheckFactory;
import io.kinesin.spi.LauncherFactory;
import io.kinesin.spi.LogSinkFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config's plugin kinds, resolved: plugins are loaded only when the config names a kind
 * no built-in serves (the {@code --} mode and such configs never pay for pf4j), every such
 * {@code type} must be provided by a plugin that loaded, every jar of the dir must load, and
 * each use's keys are bound to its plugin's record with kinesin's own config rules.
 */
public final class PluginBinding {

    /** A sink of a plugin's kind, its config bound and valid. */
    public record BoundSink(String name, String plugin, LogSinkFactory<?> factory, Object config) {
    }

    /** A service's health check, its config bound and valid. */
    public record BoundCheck(String at, String plugin, HealthCheckFactory<?> factory, Object config) {
    }

    /** A post-death or on-exit hook, its config bound and valid. */
    public record BoundHook(String at, String type, String when, java.time.Duration timeout, String plugin,
                            DeathHookFactory<?> factory, Object config) {
    }

    /** A service's launcher of a plugin's kind, its config bound and valid. */
    public record BoundLauncher(String at, String type, java.time.Duration timeout, String plugin,
                                LauncherFactory<?> factory, Object config) {
    }

    /**
     * @param plugins   null when the config names no plugin kind (nothing was loaded)
     * @param checks    each service's health checks, in config order (services without checks are absent)
     * @param hooks     each service's on-death hooks, in config order (services without hooks are absent)
     * @param exitHooks the on-exit hooks, in config order
     * @param launchers each service's launcher of a plugin's kind (services that exec are absent)
     */
    public record Bound(Plugins plugins, Map<String, BoundSink> sinks, Map<String, List<BoundCheck>> checks,
                        Map<String, List<BoundHook>> hooks, List<BoundHook> exitHooks, Map<String, BoundLauncher> launchers,
                        ConfigLoader.Loaded normalized) implements AutoCloseable {
        @Override
        public void close() {
            if (plugins != null) {
                plugins.close();
            }
        }
    }

    private PluginBinding() {
    }

    public static Bound bind(ConfigLoader.Loaded loaded, String pluginsDirOption) throws ConfigException {
        Map<String, ConfigLoader.PluginUse> uses = loaded.pluginSinks();
        Map<String, List<ConfigLoader.PluginUse>> checkUses = loaded.pluginChecks();
        if (!loaded.usesPlugins()) {
            return new Bound(null, Map.of(), Map.of(), Map.of(), List.of(), Map.of(), loaded);
        }
        PluginsDir dir = PluginsDir.of(pluginsDirOption, loaded.pluginsDir());
        Plugins plugins = Plugins.load(dir.path(), Accounts.effectiveUid() == 0);
        try {
            for (Plugins.Found broken : plugins.broken()) {
                throw new ConfigException("plugin " + broken.jar(), broken.error());
            }
            Map<String, BoundSink> sinks = new LinkedHashMap<>();
            Map<String, ConfigLoader.BoundUse> normalized = new LinkedHashMap<>();
            for (var e : uses.entrySet()) {
                Binding b = bindUse(PluginKind.SINK, e.getValue(), List.of(), plugins, dir, loaded);
                LogSinkFactory<?> sinkFactory = (LogSinkFactory<?>) b.factory();
                sinks.put(e.getKey(), new BoundSink(e.getKey(), b.plugin(), sinkFactory, b.config()));
                normalized.put(e.getKey(), new ConfigLoader.BoundUse(b.normalized(), queueDefault(sinkFactory, b.plugin())));
            }
            Map<String, List<BoundCheck>> checks = new LinkedHashMap<>();
            Map<String, List<Map<String, com.fasterxml.jackson.databind.JsonNode>>> normalizedChecks = new LinkedHashMap<>();
            for (var e : checkUses.entrySet()) {
                List<BoundCheck> bound = new ArrayList<>();
                List<Map<String, com.fasterxml.jackson.databind.JsonNode>> options = new ArrayList<>();
                for (ConfigLoader.PluginUse use : e.getValue()) {
                    Binding b = bindUse(PluginKind.CHECK, use, ConfigLoader.healthCheckKeys(), plugins, dir, loaded);
                    bound.add(new BoundCheck(use.at(), b.plugin(), (HealthCheckFactory<?>) b.factory(), b.config()));
                    options.add(b.normalized());
                }
                checks.put(e.getKey(), bound);
                normalizedChecks.put(e.getKey(), options);
            }
            Map<String, List<BoundHook>> hooks = new LinkedHashMap<>();
            Map<String, List<Map<String, com.fasterxml.jackson.databind.JsonNode>>> normalizedHooks = new LinkedHashMap<>();
            for (var e : loaded.pluginHooks().entrySet()) {
                List<Map<String, com.fasterxml.jackson.databind.JsonNode>> options = new ArrayList<>();
                hooks.put(e.getKey(), bindHooks(e.getValue(), plugins, dir, loaded, options));
                normalizedHooks.put(e.getKey(), options);
            }
            List<Map<String, com.fasterxml.jackson.databind.JsonNode>> exitOptions = new ArrayList<>();
            List<BoundHook> exitHooks = bindHooks(loaded.pluginExitHooks(), plugins, dir, loaded, exitOptions);
            Map<String, BoundLauncher> launchers = new LinkedHashMap<>();
            Map<String, Map<String, com.fasterxml.jackson.databind.JsonNode>> normalizedLaunchers = new LinkedHashMap<>();
            for (var e : loaded.pluginLaunchers().entrySet()) {
                ConfigLoader.PluginUse use = e.getValue().use();
                Binding b = bindUse(PluginKind.LAUNCHER, use, ConfigLoader.launcherKeys(), plugins, dir, loaded);
                launchers.put(e.getKey(), new BoundLauncher(use.at(), use.type(), e.getValue().timeout(), b.plugin(),
                        (LauncherFactory<?>) b.factory(), b.config()));
                normalizedLaunchers.put(e.getKey(), b.normalized());
            }
            return new Bound(plugins, sinks, checks, hooks, exitHooks, launchers, loaded.withBoundSinks(normalized)
                    .withBoundChecks(normalizedChecks).withBoundHooks(normalizedHooks, exitOptions).withBoundLaunchers(normalizedLaunchers));
        } catch (ConfigException | RuntimeException e) {
            plugins.close();
            throw e;
        }
    }

    private static List<BoundHook> bindHooks(List<ConfigLoader.HookUse> uses, Plugins plugins, PluginsDir dir,
                                             ConfigLoader.Loaded loaded,
                                             List<Map<String, com.fasterxml.jackson.databind.JsonNode>> normalized)
            throws ConfigException {
        List<BoundHook> bound = new ArrayList<>(uses.size());
        for (ConfigLoader.HookUse hook : uses) {
            ConfigLoader.PluginUse use = hook.use();
            Binding b = bindUse(PluginKind.HOOK, use, ConfigLoader.hookKeys(), plugins, dir, loaded);
            bound.add(new BoundHook(use.at(), use.type(), hook.when(), hook.timeout(), b.plugin(), (DeathHookFactory<?>) b.factory(),
                    b.config()));
            normalized.add(b.normalized());
        }
        return bound;
    }

    /** One use of a plugin's kind, bound: the kind's factory, its plugin, the config record and its normalized keys. */
    private record Binding(Factory<?, ?> factory, String plugin, Object config,
                           Map<String, com.fasterxml.jackson.databind.JsonNode> normalized) {
    }

    /**
     * Finds the kind's factory and binds the use's keys to its record.
     *
     * @param kinesinKeys keys of the entry that are kinesin's, named too when a key is unknown
     */
    private static Binding bindUse(PluginKind kind, ConfigLoader.PluginUse use, List<String> kinesinKeys, Plugins plugins,
                                   PluginsDir dir, ConfigLoader.Loaded loaded) throws ConfigException {
        Factory<?, ?> factory = plugins.factory(kind, use.type()).orElseThrow(() -> unknownKind(kind, use, plugins, dir));
        Object config = ConfigLoader.bind(use.options(), factory.configType(), use.at(), loaded.format(), kinesinKeys);
        return new Binding(factory, plugins.owner(factory), config, ConfigLoader.unbind(config, loaded.format()));
    }

    /**
     * Makes a bound hook's {@link io.kinesin.spi.DeathHook}, within the kernel's deadline.
     *
     * @throws ConfigException naming the hook, when the plugin refuses or fails
     */
    public static io.kinesin.spi.DeathHook create(BoundHook hook, io.kinesin.spi.PluginContext context) throws ConfigException {
        return make(hook.factory(), hook.config(), context, hook.at(), hook.plugin(), "hook");
    }

    /**
     * Makes a bound launcher's {@link io.kinesin.spi.Launcher}, within the kernel's deadline.
     *
     * @throws ConfigException naming the launcher, when the plugin refuses or fails
     */
    public static io.kinesin.spi.Launcher create(BoundLauncher launcher, io.kinesin.spi.PluginContext context) throws ConfigException {
        return make(launcher.factory(), launcher.config(), context, launcher.at(), launcher.plugin(), "launcher");
    }

    /**
     * Makes a bound sink's {@link io.kinesin.spi.LogSink}, within the kernel's deadline.
     *
     * @throws ConfigException naming the sink, when the plugin refuses or fails
     */
    public static io.kinesin.spi.LogSink create(BoundSink sink, io.kinesin.spi.PluginContext context) throws ConfigException {
        return make(sink.factory(), sink.config(), context, "sinks." + sink.name(), sink.plugin(), "sink");
    }

    /**
     * Makes a bound check's {@link io.kinesin.spi.HealthCheck}, within the kernel's deadline.
     *
     * @throws ConfigException naming the check, when the plugin refuses or fails
     */
    public static io.kinesin.spi.HealthCheck create(BoundCheck check, io.kinesin.spi.PluginContext context) throws ConfigException {
        return make(check.factory(), check.config(), context, check.at(), check.plugin(), "check");
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static <T> T make(Factory factory, Object config, io.kinesin.spi.PluginContext context, String at, String plugin,
                              String what) throws ConfigException {
        try {
            T made = Bounded.call(() -> (T) factory.create(config, context), Bounded.CREATE, "plugin " + plugin + ": create()");
            if (made == null) {
                throw new ConfigException(at, "plugin " + plugin + " made no " + what + " (create() returned null)");
            }
            return made;
        } catch (ConfigException e) {
            throw e;
        } catch (Exception e) {
            throw new ConfigException(at, "plugin " + plugin + " cannot make it: " + e.getMessage());
        }
    }

    /** A kind's default queue, asked within the kernel's deadline; 0 (kinesin's default) if it says none. */
    private static long queueDefault(LogSinkFactory<?> factory, String plugin) throws ConfigException {
        try {
            java.util.OptionalLong bytes = Bounded.call(factory::defaultQueueBytes, Bounded.CREATE,
                    "plugin " + plugin + ": defaultQueueBytes()");
            return bytes == null ? 0 : bytes.orElse(0);
        } catch (Exception e) {
            throw new ConfigException("plugin " + plugin, "defaultQueueBytes() failed: " + e.getMessage());
        }
    }

    private static ConfigException unknownKind(PluginKind kind, ConfigLoader.PluginUse use, Plugins plugins, PluginsDir dir) {
        List<String> all = new ArrayList<>(kind == PluginKind.SINK ? List.of("console") : List.of());
        all.addAll(plugins.types(kind));
        String near = Suggestions.nearest(use.type(), all);
        return new ConfigException(use.at() + ".type", "unknown " + kind.label() + " type \"" + use.type() + "\""
                + (near != null ? "; did you mean \"" + near + "\"?" : "")
                + " (the kinds there are: " + String.join(", ", all) + "; plugins come from " + dir.path() + ")");
    }
}
