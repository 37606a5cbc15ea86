package io.kinesin.kernel.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;

/**
 * An {@code env} value: a string or a number. A boolean is refused: YAML reads unquoted
 * {@code yes}, {@code no}, {@code on}, {@code off} as booleans, and {@code DEBUG: no} would
 * silently become {@code DEBUG=false}.
 */
final class EnvValue extends JsonDeserializer<String> {

    @Override
    public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        JsonNode n = p.readValueAsTree();
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isNumber()) {
            return n.asText();
        }
        if (n.isBoolean()) {
            throw new ConfigProblem("is a boolean (YAML reads unquoted yes/no/on/off/true/false that way); "
                    + "quote it to mean the text, e.g. \"" + n.asText() + "\"");
        }
        throw new ConfigProblem(Values.describe(n) + " is not a value for an environment variable; expected a string");
    }
}
