package io.kinesin.kernel.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.kinesin.kernel.logbus.BusSettings;
import io.kinesin.kernel.logbus.SinkSpec;

import java.util.Locale;

/**
 * A named sink under {@code sinks:}. Kinds built in: {@code console} (kinesin's stdout or
 * stderr) and {@code file} (append; rotation comes with the file-sink plugin). {@code queue}
 * is every kind's: what the bus holds for the sink while it is slow or failing.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record SinkConfig(@JsonProperty("type") String type,
                  @JsonProperty("stream") String stream,
                  @JsonProperty("format") SinkSpec.Format format,
                  @JsonProperty("path") String path,
                  @JsonProperty("rotate") JsonNode rotate,
                  @JsonProperty("queue") QueueConfig queue) {

    SinkConfig(String type, String stream, SinkSpec.Format format, String path, JsonNode rotate) {
        this(type, stream, format, path, rotate, null);
    }

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
            throw ConfigProblem.missing("type", "every sink needs a type: console or file");
        }
        type = type.strip().toLowerCase(Locale.ROOT);
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
            default -> throw new ConfigProblem("type", "unknown sink type \"" + type
                    + "\"; this kinesin has console and file (plugin kinds such as loki are not in this version yet)");
        }
    }

    SinkSpec spec(String name, java.nio.file.Path baseDir) {
        return type.equals("console")
                ? new SinkSpec(name, SinkSpec.Kind.CONSOLE, stream.equals("stderr") ? 2 : 1, null, format)
                : new SinkSpec(name, SinkSpec.Kind.FILE, -1, baseDir.resolve(path).normalize().toString(), format);
    }
}
