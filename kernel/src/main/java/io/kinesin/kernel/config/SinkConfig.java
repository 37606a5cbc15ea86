package io.kinesin.kernel.config;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.kinesin.kernel.logbus.BusSettings;
import io.kinesin.kernel.logbus.SinkSpec;
import io.kinesin.spi.LineFormat;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A named sink under {@code sinks:}. The kind built in is {@code console} (kinesin's stdout or
 * stderr); any other {@code type} is a plugin's ({@code file} is the file-sink plugin's, shipped
 * in {@code <install>/plugins}): its other keys are kept as {@code options}, bound to the
 * plugin's own config record once plugins are loaded ({@link ConfigLoader#bind}).
 * {@code queue} is every kind's: what the bus holds for the sink while it is slow or failing;
 * left out, the kind's default ({@link #withQueueDefault}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record SinkConfig(@JsonProperty("type") String type,
                  @JsonProperty("stream") String stream,
                  @JsonProperty("format") LineFormat format,
                  @JsonProperty("queue") QueueConfig queue,
                  @JsonAnySetter @JsonAnyGetter @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> options) {

    static final List<String> BUILT_IN = List.of("console");

    /** {@code queue}: the bytes of lines held for the sink; beyond that the streams' {@code overflow} applies. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record QueueConfig(@JsonProperty("bytes") ByteSize bytes) {

        static final QueueConfig DEFAULT = new QueueConfig(new ByteSize(BusSettings.DEFAULT_QUEUE_BYTES));
        static final long MIN = 4 << 10;
        static final long MAX = 1 << 30;

        /** @param bytes null: the kind's default */
        QueueConfig {
            try {
                if (bytes != null) {
                    bytes.within(MIN, MAX, "a queue");
                }
            } catch (ConfigProblem p) {
                throw p.under("bytes");
            }
        }
    }

    SinkConfig {
        if (type == null) {
            throw ConfigProblem.missing("type", "every sink needs a type: console, or a plugin's kind such as file");
        }
        type = type.strip().toLowerCase(Locale.ROOT);
        options = options == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(options));
        if (!isPlugin(type) && !options.isEmpty()) {
            throw Keys.unknown(options.keySet().iterator().next(), List.of("format", "queue", "stream", "type"));
        }
        switch (type) {
            case "console" -> {
                queue = queue == null || queue.bytes() == null ? QueueConfig.DEFAULT : queue;
                stream = stream == null ? "stdout" : stream.strip().toLowerCase(Locale.ROOT);
                if (!stream.equals("stdout") && !stream.equals("stderr")) {
                    throw new ConfigProblem("stream", "unknown stream \"" + stream + "\"; expected stdout, stderr");
                }
                format = format == null ? LineFormat.PREFIXED : format;
            }
            default -> {
                // a plugin's kind: its keys are the plugin's, checked when they are bound
                if (stream != null || format != null) {
                    Map<String, JsonNode> all = new java.util.TreeMap<>(options);
                    putIfSet(all, "stream", stream);
                    putIfSet(all, "format", format == null ? null : format.label());
                    options = java.util.Collections.unmodifiableMap(all);
                    stream = null;
                    format = null;
                }
            }
        }
    }

    /** A sink of a plugin's kind with these (unbound) settings. */
    static SinkConfig plugin(String type, Map<String, JsonNode> options) {
        return new SinkConfig(type, null, null, null, options);
    }

    private static void putIfSet(Map<String, JsonNode> into, String key, String value) {
        if (value != null) {
            into.put(key, com.fasterxml.jackson.databind.node.TextNode.valueOf(value));
        }
    }

    /** Whether a type is a plugin's (not built in). */
    static boolean isPlugin(String type) {
        return !BUILT_IN.contains(type);
    }

    /**
     * The same sink with a plugin's options replaced by their bound, normalized form, and its
     * queue, if the config left it out, the kind's default ({@code 0}: kinesin's).
     */
    SinkConfig bound(Map<String, JsonNode> normalized, long defaultQueueBytes) {
        QueueConfig q = queue != null && queue.bytes() != null ? queue
                : defaultQueueBytes > 0 ? new QueueConfig(new ByteSize(Math.clamp(defaultQueueBytes, QueueConfig.MIN, QueueConfig.MAX)))
                : QueueConfig.DEFAULT;
        return new SinkConfig(type, null, null, q, normalized);
    }

    /** The bytes held for the sink; a plugin's sink not bound yet has kinesin's default. */
    long queueBytes() {
        return (queue != null && queue.bytes() != null ? queue : QueueConfig.DEFAULT).bytes().bytes();
    }

    /** A console sink (a plugin's kind has none: the plugin binding makes it). */
    SinkSpec spec(String name) {
        return new SinkSpec(name, stream.equals("stderr") ? 2 : 1, format);
    }
}
