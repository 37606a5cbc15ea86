package io.kinesin.kernel.config;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.kinesin.kernel.logbus.BusSettings;
import io.kinesin.kernel.logbus.SinkSpec;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A named sink under {@code sinks:}. Kinds built in: {@code console} (kinesin's stdout or
 * stderr) and {@code file} (append; rotation comes with the file-sink plugin). Any other
 * {@code type} is a plugin's: its other keys are kept as {@code options}, bound to the
 * plugin's own config record once plugins are loaded ({@link ConfigLoader#bind}).
 * {@code queue} is every kind's: what the bus holds for the sink while it is slow or failing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record SinkConfig(@JsonProperty("type") String type,
                  @JsonProperty("stream") String stream,
                  @JsonProperty("format") SinkSpec.Format format,
                  @JsonProperty("path") String path,
                  @JsonProperty("rotate") JsonNode rotate,
                  @JsonProperty("queue") QueueConfig queue,
                  @JsonAnySetter @JsonAnyGetter @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> options) {

    static final List<String> BUILT_IN = List.of("console", "file");

    /** {@code queue}: the bytes of lines held for the sink; beyond that the streams' {@code overflow} applies. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record QueueConfig(@JsonProperty("bytes") ByteSize bytes) {

        static final QueueConfig DEFAULT = new QueueConfig(null);
        static final long MIN = 4 << 10;
        static final long MAX = 1 << 30;

        QueueConfig {
            bytes = bytes == null ? new ByteSize(BusSettings.DEFAULT_QUEUE_BYTES) : bytes;
            try {
                bytes.within(MIN, MAX, "a queue");
            } catch (ConfigProblem p) {
                throw p.under("bytes");
            }
        }
    }

    SinkConfig {
        queue = queue == null ? QueueConfig.DEFAULT : queue;
        if (type == null) {
            throw ConfigProblem.missing("type", "every sink needs a type: console, file, or a plugin's kind");
        }
        type = type.strip().toLowerCase(Locale.ROOT);
        options = options == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(options));
        if (!isPlugin(type) && !options.isEmpty()) {
            List<String> known = type.equals("console") ? List.of("format", "queue", "stream", "type")
                    : List.of("format", "path", "queue", "rotate", "type");
            throw Keys.unknown(options.keySet().iterator().next(), known);
        }
        switch (type) {
            case "console" -> {
                stream = stream == null ? "stdout" : stream.strip().toLowerCase(Locale.ROOT);
                if (!stream.equals("stdout") && !stream.equals("stderr")) {
                    throw new ConfigProblem("stream", "unknown stream \"" + stream + "\"; expected stdout, stderr");
                }
                if (path != null) {
                    throw new ConfigProblem("path", "a console sink has no path; use type: file");
                }
                format = format == null ? SinkSpec.Format.PREFIXED : format;
            }
            case "file" -> {
                if (path == null || path.isBlank()) {
                    throw new ConfigProblem("path", "a file sink needs the path of its file");
                }
                if (stream != null) {
                    throw new ConfigProblem("stream", "a file sink has no stream; it writes to its path");
                }
                NotYet.reject(rotate, "rotate", "log rotation");
                format = format == null ? SinkSpec.Format.RAW : format;
            }
            default -> {
                // a plugin's kind: its keys are the plugin's, checked when they are bound
                if (stream != null || format != null || path != null || rotate != null) {
                    Map<String, JsonNode> all = new java.util.TreeMap<>(options);
                    putIfSet(all, "stream", stream);
                    putIfSet(all, "format", format == null ? null : format.name().toLowerCase(Locale.ROOT));
                    putIfSet(all, "path", path);
                    if (rotate != null) {
                        all.put("rotate", rotate);
                    }
                    options = java.util.Collections.unmodifiableMap(all);
                    stream = null;
                    format = null;
                    path = null;
                    rotate = null;
                }
            }
        }
    }

    SinkConfig(String type, String stream, SinkSpec.Format format, String path, JsonNode rotate) {
        this(type, stream, format, path, rotate, null, null);
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

    /** The same sink with a plugin's options replaced by their bound, normalized form. */
    SinkConfig withOptions(Map<String, JsonNode> normalized) {
        return new SinkConfig(type, null, null, null, null, queue, normalized);
    }

    SinkSpec spec(String name, java.nio.file.Path baseDir) {
        return type.equals("console")
                ? new SinkSpec(name, SinkSpec.Kind.CONSOLE, stream.equals("stderr") ? 2 : 1, null, format)
                : new SinkSpec(name, SinkSpec.Kind.FILE, -1, baseDir.resolve(path).normalize().toString(), format);
    }
}
