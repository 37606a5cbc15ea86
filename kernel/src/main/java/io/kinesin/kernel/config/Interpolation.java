package io.kinesin.kernel.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code ${VAR}} and {@code ${VAR:-default}} in every string of a config, from kinesin's own
 * environment. A {@code ${VAR}} whose variable is not set is an error (a default makes it
 * optional); {@code :-} also replaces an empty value. Nothing else about {@code $} changes,
 * so shell commands keep {@code $$}, {@code $1}, {@code $HOME}; {@code $${} writes a literal
 * {@code ${} (for a shell's own {@code ${VAR}}).
 */
final class Interpolation {

    private final Map<String, String> environment;

    Interpolation(Map<String, String> environment) {
        this.environment = environment;
    }

    /** Rewrites the tree in place. */
    void apply(JsonNode node, String path) throws ConfigException {
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                JsonNode child = object.get(name);
                String childPath = path.isEmpty() ? name : path + "." + name;
                if (child.isTextual()) {
                    object.set(name, TextNode.valueOf(expand(child.textValue(), childPath)));
                } else {
                    apply(child, childPath);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode child = array.get(i);
                String childPath = path + "[" + i + "]";
                if (child.isTextual()) {
                    array.set(i, TextNode.valueOf(expand(child.textValue(), childPath)));
                } else {
                    apply(child, childPath);
                }
            }
        }
    }

    String expand(String text, String path) throws ConfigException {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '$' || i + 1 >= text.length()) {
                out.append(c);
                i++;
            } else if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.charAt(i + 1) == '{') {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw new ConfigException(path, "\"" + text + "\" has a ${ without its }; write $${ for a literal ${");
                }
                out.append(variable(text.substring(i + 2, end), path));
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private String variable(String expression, String path) throws ConfigException {
        int sep = expression.indexOf(":-");
        String name = sep < 0 ? expression : expression.substring(0, sep);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new ConfigException(path, "${" + expression + "}: \"" + name + "\" is not a variable name");
        }
        String value = environment.get(name);
        if (sep >= 0) {
            return value == null || value.isEmpty() ? expression.substring(sep + 2) : value;
        }
        if (value == null) {
            throw new ConfigException(path, "${" + name + "} is not set in kinesin's environment; set it, or give a default: ${"
                    + name + ":-default}");
        }
        return value;
    }
}
