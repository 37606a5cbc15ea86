package io.kinesin.kernel.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;

/**
 * An {@code env} value: text, or a number or boolean as written. (YAML's plain scalars reach
 * kinesin as the text they were written as, see {@link YamlTree}; TOML and JSON say their
 * types explicitly, so {@code true} there is meant.)
 */
final class EnvValue extends JsonDeserializer<String> {

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonNode n = p.readValueAsTree();
        if (n.isTextual() || n.isNumber() || n.isBoolean()) {
            return n.asText();
        }
        throw new ConfigProblem(Values.describe(n) + " is not a value for an environment variable; expected a string");
    }
}
