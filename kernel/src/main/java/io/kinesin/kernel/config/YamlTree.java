package io.kinesin.kernel.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads YAML so that a plain scalar stays the text it was written as. YAML 1.1 (SnakeYAML's,
 * and Jackson's) would turn {@code DEBUG: no} into false, {@code UMASK: 0022} into 18 and
 * {@code VERSION: 1.10} into 1.1 before kinesin ever saw them; here only {@code null},
 * {@code ~} and an empty value are special. Fields that want a number or a boolean convert
 * the text when they are bound.
 */
final class YamlTree {

    private YamlTree() {
    }

    /** The document as a tree of mappings, lists, text and nulls; null for an empty file. */
    static JsonNode read(String text, Path file) throws ConfigException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(50);
        Yaml yaml = new Yaml(new SafeConstructor(options), new Representer(new org.yaml.snakeyaml.DumperOptions()),
                new org.yaml.snakeyaml.DumperOptions(), options, new NullsOnly());
        try {
            Iterator<Object> documents = yaml.loadAll(text).iterator();
            Object first = documents.hasNext() ? documents.next() : null;
            if (documents.hasNext()) {
                throw new ConfigException(file.toString(), "holds more than one document (---); put everything in one");
            }
            return first == null ? null : tree(first);
        } catch (MarkedYAMLException e) {
            Mark at = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = at == null ? file.toString() : file + ":" + (at.getLine() + 1) + ":" + (at.getColumn() + 1);
            String context = e.getContext() == null ? "" : e.getContext() + ": ";
            throw new ConfigException(where, "not valid YAML: " + context + e.getProblem());
        } catch (YAMLException e) {
            throw new ConfigException(file.toString(), "not valid YAML: " + e.getMessage());
        }
    }

    /**
     * What {@link ObjectMapper#valueToTree} makes of SnakeYAML's result, built directly for
     * what the resolver produces (mappings with text keys, lists, text, nulls): Jackson's
     * serializers, some 25 ms to set up at start-up, are then not needed. Anything else (a
     * value given an explicit tag such as {@code !!binary}, a key that is not text) goes through
     * {@code valueToTree}, as before.
     */
    private static JsonNode tree(Object value) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (value == null) {
            return nodes.nullNode();
        }
        if (value instanceof String text) {
            return nodes.textNode(text);
        }
        if (value instanceof List<?> list) {
            ArrayNode array = nodes.arrayNode(list.size());
            for (Object v : list) {
                array.add(tree(v));
            }
            return array;
        }
        if (value instanceof Map<?, ?> map && textKeys(map)) {
            ObjectNode object = nodes.objectNode();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                object.set((String) e.getKey(), tree(e.getValue()));
            }
            return object;
        }
        return Jackson.TREES.valueToTree(value);
    }

    private static boolean textKeys(Map<?, ?> map) {
        for (Object k : map.keySet()) {
            if (!(k instanceof String)) {
                return false;
            }
        }
        return true;
    }

    /** Made on first use only. */
    private static final class Jackson {
        static final ObjectMapper TREES = new ObjectMapper();
    }

    /** Resolves plain scalars to null (for null, ~ and nothing) and to text otherwise. */
    private static final class NullsOnly extends Resolver {
        private static final Pattern NULL = Pattern.compile("^(?:~|null|Null|NULL| )$");

        @Override
        protected void addImplicitResolvers() {
            addImplicitResolver(Tag.NULL, NULL, "~nN\0");
            addImplicitResolver(Tag.NULL, Pattern.compile("^$"), null);
        }
    }
}
