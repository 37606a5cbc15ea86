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
    }

    private ConfigLoader() {
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
