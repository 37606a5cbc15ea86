package io.kinesin.spi.contract;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds and prints a plugin kind's config record as the kernel does: plain Jackson failing on unknown keys,
 * with durations written {@code 500ms} or {@code 5s} (the kernel's own module reads more forms;
 * the plugin never parses one itself).
 */
public final class ConfigBinding {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s)");
    public static final ObjectMapper JSON = new ObjectMapper().registerModule(new SimpleModule("durations")
            .addDeserializer(Duration.class, new JsonDeserializer<>() {
                @Override
                public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                    Matcher m = DURATION.matcher(p.getValueAsString());
                    if (!m.matches()) {
                        throw new IllegalArgumentException("not a duration: " + p.getValueAsString());
                    }
                    long n = Long.parseLong(m.group(1));
                    return m.group(2).equals("ms") ? Duration.ofMillis(n) : Duration.ofSeconds(n);
                }
            })
            .addSerializer(Duration.class, new JsonSerializer<>() {
                @Override
                public void serialize(Duration value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                    gen.writeString(value.toMillis() + "ms");
                }
            }));

    private ConfigBinding() {
    }

    public static <T> T bind(String json, Class<T> type) throws IOException {
        return JSON.readValue(json, type);
    }

    /** A config as {@code kinesin check} prints it (ConfigLoader.unbind: the record through the mapper). */
    public static String print(Object config) throws IOException {
        return JSON.writeValueAsString(config);
    }
}
