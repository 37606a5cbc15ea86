package io.kinesin.kernel.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.logbus.Output;
import io.kinesin.spi.LineFormat;
import io.kinesin.kernel.supervise.Condition;
import io.kinesin.kernel.supervise.Durations;
import io.kinesin.kernel.supervise.RestartPolicy;
import io.kinesin.spi.Signal;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;

/**
 * The config's scalar syntax: durations ({@code 2s}), signals ({@code TERM}), and the
 * enumerations, read with messages that say what was expected and written back the same way
 * (for {@code kinesin check}).
 */
final class Values {

    private Values() {
    }

    static SimpleModule module() {
        SimpleModule m = new SimpleModule("kinesin-config");
        add(m, Duration.class, Values::duration, Durations::format);
        m.addDeserializer(Boolean.class, new JsonDeserializer<>() {
            @Override
            public Boolean deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return bool(p.readValueAsTree());
            }
        });
        add(m, Signal.class, Values::signal, Signal::name);
        add(m, RestartPolicy.class, Values::restart, Values::label);
        add(m, Condition.class, n -> choice(n, Condition.class, "condition"), Values::label);
        add(m, Log.Format.class, n -> choice(n, Log.Format.class, "log format"), Log.Format::label);
        add(m, Log.Level.class, n -> choice(n, Log.Level.class, "log level"), Log.Level::label);
        add(m, LineFormat.class, n -> choice(n, LineFormat.class, "format"), LineFormat::label);
        add(m, ByteSize.class, Values::size, ByteSize::toString);
        add(m, Output.Overflow.class, n -> choice(n, Output.Overflow.class, "overflow"), Output.Overflow::label);
        return m;
    }

    private static <T> void add(SimpleModule m, Class<T> type, Function<JsonNode, T> parse, Function<T, String> print) {
        m.addDeserializer(type, new JsonDeserializer<>() {
            @Override
            public T deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                return parse.apply(p.readValueAsTree());
            }
        });
        m.addSerializer(type, new JsonSerializer<>() {
            @Override
            public void serialize(T value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(print.apply(value));
            }
        });
    }

    static Duration duration(JsonNode n) {
        if (n.isNumber()) {
            if (n.doubleValue() < 0) {
                throw new ConfigProblem(n + " is negative; expected a duration such as 250ms, 2s, 1m30s");
            }
            return Duration.ofNanos(Math.round(n.doubleValue() * 1e9));
        }
        if (!n.isTextual()) {
            throw new ConfigProblem(describe(n) + " is not a duration; expected e.g. 250ms, 2s, 1m30s");
        }
        try {
            return Durations.parse(n.textValue());
        } catch (IllegalArgumentException e) {
            throw new ConfigProblem(e.getMessage());
        }
    }

    /** {@code 64KiB}, {@code 8MiB}, or a whole number of bytes. */
    static ByteSize size(JsonNode n) {
        if (n.isIntegralNumber()) {
            return new ByteSize(n.longValue());
        }
        if (!n.isTextual()) {
            throw new ConfigProblem(describe(n) + " is not a size; expected e.g. 64KiB, 8MiB");
        }
        return ByteSize.parse(n.textValue());
    }

    static Signal signal(JsonNode n) {
        if (n.isInt()) {
            try {
                return new Signal(n.intValue());
            } catch (IllegalArgumentException e) {
                throw new ConfigProblem(e.getMessage());
            }
        }
        if (!n.isTextual()) {
            throw new ConfigProblem(describe(n) + " is not a signal; expected a name such as TERM, or a number");
        }
        try {
            return Signal.parse(n.textValue());
        } catch (IllegalArgumentException e) {
            throw new ConfigProblem(e.getMessage());
        }
    }

    /** true/false, or (as YAML 1.1 users write them) yes/no, on/off. */
    static Boolean bool(JsonNode n) {
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        String text = n.isTextual() ? n.textValue().strip().toLowerCase(Locale.ROOT) : "";
        return switch (text) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigProblem(describe(n) + " is not true or false (yes/no and on/off also work)");
        };
    }

    static RestartPolicy restart(JsonNode n) {
        if (n.isBoolean() && !n.booleanValue()) {
            return RestartPolicy.NO; // restart = false in TOML or JSON
        }
        return choice(n, RestartPolicy.class, "policy");
    }

    static <E extends Enum<E>> E choice(JsonNode n, Class<E> type, String what) {
        String text = n.isTextual() ? n.textValue().strip().toLowerCase(Locale.ROOT) : null;
        StringBuilder expected = new StringBuilder();
        for (E e : type.getEnumConstants()) {
            if (label(e).equals(text)) {
                return e;
            }
            expected.append(expected.isEmpty() ? "" : ", ").append(label(e));
        }
        throw new ConfigProblem("unknown " + what + " " + describe(n) + "; expected " + expected);
    }

    /** {@code ON_FAILURE} → {@code on-failure}. */
    static String label(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** A value as a message quotes it: {@code "sometimes"}, {@code 42}, {@code true}, {@code a list}. */
    static String describe(JsonNode n) {
        if (n == null || n.isNull()) {
            return "nothing";
        }
        if (n.isTextual()) {
            return "\"" + n.textValue() + "\"";
        }
        if (n.isArray()) {
            return "a list";
        }
        if (n.isObject()) {
            return "a mapping";
        }
        return n.toString();
    }
}
