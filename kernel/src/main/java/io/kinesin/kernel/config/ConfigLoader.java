package io.kinesin.kernel.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a config file into a {@link ConfigFile}: the syntax by file extension, then
 * {@code ${VAR}} interpolation, then binding with every key, type and value checked. A file
 * in the original Rust kinesin's format ({@code [[service]]}, {@code [[consumer]]}) is
 * recognised and mapped onto the same model.
 */
public final class ConfigLoader {

    /** The syntaxes, by extension. */
    public enum Format {
        YAML, TOML, JSON;

        static Format of(Path file) throws ConfigException {
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                return YAML;
            }
            if (name.endsWith(".toml")) {
                return TOML;
            }
            if (name.endsWith(".json")) {
                return JSON;
            }
            throw new ConfigException(file.toString(), "unknown config format; name the file .yaml, .yml, .toml or .json");
        }

        ObjectMapper mapper() {
            ObjectMapper m = switch (this) {
                case YAML -> YAMLMapper.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                        .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                        .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS).build();
                case TOML -> TomlMapper.builder().build();
                case JSON -> JsonMapper.builder().build();
            };
            m.registerModule(Values.module());
            m.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            m.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            m.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
            m.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
            m.enable(SerializationFeature.INDENT_OUTPUT);
            return m;
        }
    }

    /** A loaded config. */
    public record Loaded(Path file, Format format, ConfigFile config, boolean legacy) {
        public Path directory() {
            Path parent = file.toAbsolutePath().getParent();
            return parent == null ? Path.of("/") : parent;
        }

        /** The sinks whose type is a plugin's, by name: what must be bound once plugins are loaded. */
        public Map<String, PluginUse> pluginSinks() {
            Map<String, PluginUse> out = new java.util.LinkedHashMap<>();
            config.sinks().forEach((name, c) -> {
                if (SinkConfig.isPlugin(c.type())) {
                    out.put(name, new PluginUse("sinks." + name, c.type(), c.options()));
                }
            });
            return out;
        }

        /** Each service's health checks (every kind is a plugin's), by service, in config order. */
        public Map<String, List<PluginUse>> pluginChecks() {
            Map<String, List<PluginUse>> out = new java.util.LinkedHashMap<>();
            config.services().forEach((name, c) -> {
                List<PluginUse> uses = new ArrayList<>();
                for (int k = 0; k < c.health().size(); k++) {
                    HealthConfig h = c.health().get(k);
                    uses.add(new PluginUse("services." + name + ".health[" + k + "]", h.type(), h.options()));
                }
                if (!uses.isEmpty()) {
                    out.put(name, uses);
                }
            });
            return out;
        }

        /** Each service's {@code on-death} hooks (every kind is a plugin's), by service, in config order. */
        public Map<String, List<HookUse>> pluginHooks() {
            Map<String, List<HookUse>> out = new java.util.LinkedHashMap<>();
            config.services().forEach((name, c) -> {
                List<HookUse> uses = new ArrayList<>();
                for (int k = 0; k < c.onDeath().size(); k++) {
                    HookConfig h = c.onDeath().get(k);
                    uses.add(new HookUse(new PluginUse("services." + name + ".on-death[" + k + "]", h.type(), h.pluginNode()),
                            h.when(), h.timeout()));
                }
                if (!uses.isEmpty()) {
                    out.put(name, uses);
                }
            });
            return out;
        }

        /** The {@code on-exit} hooks, in config order. */
        public List<HookUse> pluginExitHooks() {
            List<HookUse> uses = new ArrayList<>();
            for (int k = 0; k < config.onExit().size(); k++) {
                HookConfig h = config.onExit().get(k);
                uses.add(new HookUse(new PluginUse("on-exit[" + k + "]", h.type(), h.pluginNode()), null, h.timeout()));
            }
            return uses;
        }

        /** Each service's launcher of a plugin's kind (not {@code exec}), by service, with its {@code timeout}. */
        public Map<String, LauncherUse> pluginLaunchers() {
            Map<String, LauncherUse> out = new java.util.LinkedHashMap<>();
            config.services().forEach((name, c) -> {
                if (!c.launcher().isExec()) {
                    out.put(name, new LauncherUse(new PluginUse("services." + name + ".launcher", c.launcher().type(),
                            c.launcher().pluginNode()), c.launcher().timeout()));
                }
            });
            return out;
        }

        /** Whether the config names a plugin's kind anywhere: then plugins are loaded. */
        public boolean usesPlugins() {
            return !pluginSinks().isEmpty() || !pluginChecks().isEmpty() || !pluginHooks().isEmpty() || !pluginExitHooks().isEmpty()
                    || !pluginLaunchers().isEmpty();
        }

        /** The same config with launchers' kind keys in their bound, normalized form (for {@code check}). */
        public Loaded withBoundLaunchers(Map<String, Map<String, JsonNode>> byService) {
            Map<String, ServiceConfig> services = new java.util.LinkedHashMap<>(config.services());
            byService.forEach((name, options) -> services.put(name, services.get(name).withLauncher(options)));
            return new Loaded(file, format, new ConfigFile(config.kinesin(), config.sinks(), services, config.onExit()), legacy);
        }

        /**
         * The same config with hooks' kind keys in their bound, normalized form (for {@code check}).
         *
         * @param byService each service's on-death hooks' bound keys; {@code exits} the on-exit hooks'
         */
        public Loaded withBoundHooks(Map<String, List<Map<String, JsonNode>>> byService, List<Map<String, JsonNode>> exits) {
            Map<String, ServiceConfig> services = new java.util.LinkedHashMap<>(config.services());
            byService.forEach((name, options) -> services.put(name, services.get(name).withHooks(options)));
            List<HookConfig> onExit = new ArrayList<>();
            for (int k = 0; k < config.onExit().size(); k++) {
                onExit.add(config.onExit().get(k).bound(exits.get(k)));
            }
            return new Loaded(file, format, new ConfigFile(config.kinesin(), config.sinks(), services, onExit), legacy);
        }

        /** {@code kinesin.plugins.dir}, or null. */
        public String pluginsDir() {
            return config.kinesin().plugins().dir();
        }

        /**
         * The same config with plugin sinks' options in their bound, normalized form (for
         * {@code check}), and their queues, where the config left them out, as their kinds say.
         */
        public Loaded withBoundSinks(Map<String, BoundUse> bySink) {
            Map<String, SinkConfig> sinks = new java.util.LinkedHashMap<>(config.sinks());
            bySink.forEach((name, use) -> sinks.put(name, sinks.get(name).bound(use.options(), use.defaultQueueBytes())));
            return new Loaded(file, format, new ConfigFile(config.kinesin(), sinks, config.services(), config.onExit()), legacy);
        }

        /** The same config with health checks' kind keys in their bound, normalized form (for {@code check}). */
        public Loaded withBoundChecks(Map<String, List<Map<String, JsonNode>>> byService) {
            Map<String, ServiceConfig> services = new java.util.LinkedHashMap<>(config.services());
            byService.forEach((name, options) -> services.put(name, services.get(name).withHealth(options)));
            return new Loaded(file, format, new ConfigFile(config.kinesin(), config.sinks(), services, config.onExit()), legacy);
        }
    }

    /**
     * One use of a plugin's kind in the config.
     *
     * @param at      its path, e.g. {@code sinks.loki}
     * @param options its keys but {@code type}, as written
     */
    public record PluginUse(String at, String type, Map<String, JsonNode> options) {
    }

    /**
     * A hook's use of a plugin's kind, with kinesin's own keys.
     *
     * @param when    {@code always}, {@code failure}, {@code final} or {@code failed}; null for an on-exit hook
     * @param timeout its budget (the kind gets it too, in {@code use.options()})
     */
    public record HookUse(PluginUse use, String when, java.time.Duration timeout) {
    }

    /**
     * A service's launcher of a plugin's kind.
     *
     * @param timeout how long one launch may take (the kind gets it too, in {@code use.options()})
     */
    public record LauncherUse(PluginUse use, java.time.Duration timeout) {
    }

    /**
     * A plugin sink once bound.
     *
     * @param options           its settings, normalized
     * @param defaultQueueBytes the kind's queue when the config sets none; 0: kinesin's default
     */
    public record BoundUse(Map<String, JsonNode> options, long defaultQueueBytes) {
    }

    private ConfigLoader() {
    }

    /** The keys of an {@code on-death:} or {@code on-exit:} entry that are kinesin's ({@code when}; {@code timeout} is the kind's too). */
    public static List<String> hookKeys() {
        return HookConfig.KEYS;
    }

    /** The keys of a {@code launcher:} that are kinesin's ({@code type}; {@code timeout} is the kind's too). */
    public static List<String> launcherKeys() {
        return ServiceConfig.LauncherConfig.KEYS;
    }

    /** The keys of a {@code health:} entry that are kinesin's, whatever the kind ({@code every}, {@code action}, ...). */
    public static List<String> healthCheckKeys() {
        return HealthConfig.KEYS;
    }

    /**
     * @param environment kinesin's environment, for {@code ${VAR}}
     */
    public static Loaded load(Path file, Map<String, String> environment) throws ConfigException {
        Format format = Format.of(file);
        ObjectMapper mapper = format.mapper();
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), "no such file");
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read it: " + e.getMessage());
        }
        JsonNode tree = format == Format.YAML ? YamlTree.read(text, file) : read(mapper, text, file, format);
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new ConfigException(file.toString(), "is empty; it needs at least a services: section");
        }
        if (!tree.isObject()) {
            throw new ConfigException(file.toString(), "the top level must be a mapping with services: (and optionally kinesin:, sinks:)");
        }
        new Interpolation(environment).apply(tree, "");
        boolean legacy = tree.has("service") && !tree.has("services");
        try {
            ConfigFile config = legacy
                    ? mapper.treeToValue(tree, LegacyConfig.class).toConfigFile(Path.of(".").toAbsolutePath().normalize(), file)
                    : mapper.treeToValue(tree, ConfigFile.class);
            return new Loaded(file, format, config, legacy);
        } catch (ConfigProblem p) {
            throw new ConfigException(p.field, p.getMessage());
        } catch (JsonMappingException e) {
            throw translate(e, tree);
        } catch (JacksonException e) {
            throw new ConfigException(file.toString(), e.getOriginalMessage());
        }
    }

    private static JsonNode read(ObjectMapper mapper, String text, Path file, Format format) throws ConfigException {
        try (MappingIterator<JsonNode> documents = mapper.readerFor(JsonNode.class).readValues(text)) {
            JsonNode tree = documents.hasNextValue() ? documents.nextValue() : null;
            if (documents.hasNextValue()) {
                throw new ConfigException(file.toString(), "holds more than one document; put everything in one");
            }
            return tree;
        } catch (JacksonException e) {
            throw new ConfigException(location(file, e.getLocation()), "not valid " + format.name() + ": " + problem(e.getOriginalMessage()));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), "cannot read it: " + e.getMessage());
        }
    }

    /**
     * Binds a plugin's config node to the plugin's record, with the same rules and errors as
     * kinesin's own keys: unknown keys, bad values and the record's own checks name their path
     * under {@code at} ({@code sinks.applog.rotate.keep: expected a whole number}).
     *
     * @param type null binds nothing (a kind without settings) and requires an empty node
     */
    public static <T> T bind(Map<String, JsonNode> node, Class<T> type, String at, Format format) throws ConfigException {
        return bind(node, type, at, format, List.of());
    }

    /**
     * As {@link #bind(Map, Class, String, Format)}, for a node some of whose keys kinesin has
     * already taken (a health check's {@code every}): an unknown key's message names those too.
     */
    public static <T> T bind(Map<String, JsonNode> node, Class<T> type, String at, Format format, List<String> kinesinKeys)
            throws ConfigException {
        // a key the plugin omits gets Java's default (0, false): its record's own checks say more
        ObjectMapper mapper = format.mapper().disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        com.fasterxml.jackson.databind.node.ObjectNode tree = mapper.createObjectNode();
        node.forEach(tree::set);
        if (type == null || type == Void.class) {
            if (!node.isEmpty()) {
                String key = node.keySet().iterator().next();
                throw new ConfigException(join(at, key), kinesinKeys.isEmpty() ? "unknown key; this kind has no settings"
                        : Keys.message(key, kinesinKeys.stream().sorted().toList()));
            }
            return null;
        }
        // unknown keys first, as for kinesin's own: a misspelt key is the error, not the value it left out
        List<String> known = new ArrayList<>();
        mapper.getDeserializationConfig().introspect(mapper.constructType(type)).findProperties()
                .forEach(p -> known.add(p.getName()));
        known.sort(null);
        for (String key : node.keySet()) {
            if (!known.contains(key)) {
                List<String> all = new ArrayList<>(known);
                all.addAll(kinesinKeys);
                all.sort(null);
                throw new ConfigException(join(at, key), Keys.message(key, all));
            }
        }
        try {
            return mapper.treeToValue(tree, type);
        } catch (ConfigProblem p) {
            throw new ConfigException(join(at, p.field), p.getMessage());
        } catch (JsonMappingException e) {
            for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
                if (t instanceof IllegalArgumentException invalid && invalid.getMessage() != null) {
                    throw pluginsOwn(invalid.getMessage(), at, path(e.getPath()), known);
                }
            }
            ConfigException inner = translate(e, tree);
            throw new ConfigException(join(at, inner.path()), inner.detail());
        } catch (JacksonException e) {
            throw new ConfigException(at, e.getOriginalMessage());
        }
    }

    /**
     * A plugin record's own check failed: {@code "keep: must be 1 or more"} names its key, so
     * the error's path ends in it ({@code sinks.applog.keep: must be 1 or more}).
     */
    private static ConfigException pluginsOwn(String message, String at, String inner, List<String> known) {
        String base = join(at, inner);
        int colon = message.indexOf(": ");
        if (colon > 0 && known.contains(message.substring(0, colon).split("\\.")[0])) {
            return new ConfigException(join(base, message.substring(0, colon)), message.substring(colon + 2));
        }
        return new ConfigException(base, message);
    }

    /** A bound plugin config as the normalized config prints it: every default filled in. */
    public static Map<String, JsonNode> unbind(Object bound, Format format) {
        Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
        if (bound != null) {
            format.mapper().valueToTree(bound).properties().forEach(e -> out.put(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** The config as kinesin understood it, every default filled in, in the file's own syntax. */
    public static String normalized(Loaded loaded) throws ConfigException {
        try {
            return loaded.format().mapper().writeValueAsString(loaded.config());
        } catch (JacksonException e) {
            throw new ConfigException(loaded.file().toString(), "cannot print the normalized config: " + e.getOriginalMessage());
        }
    }

    static ConfigException translate(JsonMappingException e, JsonNode tree) {
        String path = path(e.getPath());
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigProblem p) {
                ConfigException misspelled = p.missing ? misspelling(e.getPath(), p.field, path, tree) : null;
                return misspelled != null ? misspelled : new ConfigException(join(path, p.field), p.getMessage());
            }
            if (t instanceof InputCoercionException c) {
                return new ConfigException(path, "the number is out of range (" + c.getTargetType().getSimpleName() + ")");
            }
        }
        if (e instanceof UnrecognizedPropertyException u) {
            List<String> known = new ArrayList<>();
            u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
            known.sort(null);
            return new ConfigException(path, Keys.message(u.getPropertyName(), known));
        }
        if (e instanceof InvalidFormatException f) {
            return new ConfigException(path, quote(f.getValue()) + " is not " + expected(f.getTargetType()));
        }
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            return new ConfigException(path, "expected " + expected(m.getTargetType()));
        }
        return new ConfigException(path, e.getOriginalMessage());
    }

    /**
     * A required key is absent: if the same object has a key that looks like a misspelling of
     * it, that is the error to report (Jackson builds a record before it reports unknown keys).
     */
    private static ConfigException misspelling(List<JsonMappingException.Reference> refs, String field, String path, JsonNode tree) {
        JsonNode node = tree;
        for (JsonMappingException.Reference r : refs) {
            node = node == null ? null : r.getFieldName() != null ? node.get(r.getFieldName()) : node.get(r.getIndex());
        }
        if (node == null || !node.isObject() || field.contains(".") || node.has(field)) {
            return null;
        }
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (Suggestions.distance(key.toLowerCase(Locale.ROOT), field) <= Math.max(2, field.length() / 3)) {
                return new ConfigException(join(path, key), "unknown key; did you mean \"" + field + "\"?");
            }
        }
        return null;
    }

    /** A parser's complaint without the source excerpt some (SnakeYAML) add: its unindented lines. */
    private static String problem(String message) {
        if (message == null) {
            return "syntax error";
        }
        List<String> lines = message.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0))).toList();
        return lines.isEmpty() ? message.strip() : String.join("; ", lines);
    }

    private static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : refs) {
            if (r.getFieldName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    static String join(String path, String field) {
        if (field.isEmpty()) {
            return path;
        }
        if (path.isEmpty()) {
            return field;
        }
        return field.startsWith("[") ? path + field : path + "." + field;
    }

    private static String quote(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    private static String expected(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class) {
            return "a whole number";
        }
        if (type == Double.class || type == double.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "a mapping (key: value)";
        }
        return "a " + type.getSimpleName();
    }

    private static String location(Path file, JsonLocation at) {
        return at == null || at.getLineNr() < 0 ? file.toString() : file + ":" + at.getLineNr() + ":" + at.getColumnNr();
    }
}
