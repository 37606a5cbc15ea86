package io.kinesin.kernel.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import io.kinesin.kernel.logbus.Output;
import io.kinesin.kernel.supervise.Durations;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A service's {@code stdout} / {@code stderr}: {@code inherit} (kinesin's own fd, no copy),
 * {@code null} (/dev/null), or {@code { sinks: [console, ...], buffer: {...}, overflow: block }}
 * (read by kinesin, line by line).
 */
record OutputConfig(Mode mode, List<String> sinks, Output.Buffer buffer, Output.Overflow overflow) {

    static final OutputConfig CONSOLE = new OutputConfig(Mode.SINKS, List.of("console"));
    /** The most a batch may gather: far beyond what a batch is for, and within what kinesin's heap takes. */
    static final long MAX_BATCH_BYTES = 16 << 20;

    enum Mode { INHERIT, NULL, SINKS }

    OutputConfig {
        sinks = sinks == null ? List.of() : List.copyOf(sinks);
        buffer = buffer == null ? Output.Buffer.DEFAULT : buffer;
        overflow = overflow == null ? Output.Overflow.BLOCK : overflow;
    }

    OutputConfig(Mode mode, List<String> sinks) {
        this(mode, sinks, null, null);
    }

    /** What the bus needs of this stream (mode {@link Mode#SINKS}). */
    Output output() {
        return new Output(sinks, buffer, overflow);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static OutputConfig of(JsonNode n) {
        if (n.isTextual()) {
            return switch (n.textValue().strip()) {
                case "inherit" -> new OutputConfig(Mode.INHERIT, null);
                case "null" -> new OutputConfig(Mode.NULL, null);
                default -> throw new ConfigProblem("unknown output " + Values.describe(n)
                        + "; expected inherit, null, or { sinks: [console, ...] }");
            };
        }
        if (!n.isObject()) {
            throw new ConfigProblem(Values.describe(n) + " is not an output; expected inherit, null, or { sinks: [console, ...] }");
        }
        List<String> sinks = null;
        Output.Buffer buffer = null;
        Output.Overflow overflow = null;
        for (var e : n.properties()) {
            switch (e.getKey()) {
                case "sinks" -> sinks = names(e.getValue());
                case "buffer" -> buffer = buffer(e.getValue());
                case "overflow" -> {
                    try {
                        overflow = Values.choice(e.getValue(), Output.Overflow.class, "overflow");
                    } catch (ConfigProblem p) {
                        throw p.under("overflow");
                    }
                }
                default -> throw Keys.unknown(e.getKey(), List.of("sinks", "buffer", "overflow"));
            }
        }
        if (sinks == null) {
            throw new ConfigProblem("sinks", "list where the lines go, e.g. sinks: [console]");
        }
        return new OutputConfig(Mode.SINKS, sinks, buffer, overflow);
    }

    private static List<String> names(JsonNode n) {
        if (!n.isArray()) {
            throw new ConfigProblem("sinks", Values.describe(n) + " is not a list of sink names, e.g. [console]");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            if (!n.get(i).isTextual()) {
                throw new ConfigProblem("sinks[" + i + "]", Values.describe(n.get(i)) + " is not a sink name");
            }
            out.add(n.get(i).textValue());
        }
        if (out.size() > 64) {
            throw new ConfigProblem("sinks", out.size() + " sinks are too many for one stream; 64 at most");
        }
        return out;
    }

    /** {@code buffer: { lines: 512, bytes: 64KiB, flush: 0s }}, each key optional. */
    private static Output.Buffer buffer(JsonNode n) {
        if (!n.isObject()) {
            throw new ConfigProblem("buffer", Values.describe(n) + " is not a buffer; expected e.g. { lines: 512, bytes: 64KiB, flush: 200ms }");
        }
        int lines = Output.Buffer.DEFAULT_LINES;
        int bytes = Output.Buffer.DEFAULT_BYTES;
        Duration flush = Output.Buffer.DEFAULT.flush();
        for (var e : n.properties()) {
            String at = "buffer." + e.getKey();
            JsonNode v = e.getValue();
            try {
                switch (e.getKey()) {
                    case "lines" -> {
                        String text = v.isIntegralNumber() ? v.asText() : v.isTextual() ? v.textValue().strip() : "";
                        if (!text.matches("\\d{1,7}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 1_000_000) {
                            throw new ConfigProblem(Values.describe(v) + " is not a line count; expected 1 to 1000000");
                        }
                        lines = Integer.parseInt(text);
                    }
                    case "bytes" -> bytes = Values.size(v).within(1, MAX_BATCH_BYTES, "a batch");
                    case "flush" -> flush = Values.duration(v);
                    default -> throw new ConfigProblem(Keys.message(e.getKey(), List.of("lines", "bytes", "flush")));
                }
            } catch (ConfigProblem p) {
                throw p.under(at);
            }
        }
        return new Output.Buffer(lines, bytes, flush);
    }

    @JsonValue
    Object json() {
        return switch (mode) {
            case INHERIT -> "inherit";
            case NULL -> "null";
            case SINKS -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("sinks", sinks);
                Map<String, Object> b = new LinkedHashMap<>();
                b.put("lines", buffer.lines());
                b.put("bytes", new ByteSize(buffer.bytes()).toString());
                b.put("flush", Durations.format(buffer.flush()));
                m.put("buffer", b);
                m.put("overflow", overflow.label());
                yield m;
            }
        };
    }
}
