package io.kinesin.kernel.config;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kinesin.kernel.supervise.Durations;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One entry of a service's {@code on-death:} or of {@code on-exit:}. {@code type} and
 * {@code when} are kinesin's; {@code timeout} is kinesin's too (it bounds the call) and is also
 * handed, normalized, to the kind's plugin with the kind's own keys ({@code command},
 * {@code url}, ...), which stay in {@code options} until plugins are loaded.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record HookConfig(@JsonProperty("type") String type,
                  @JsonProperty("when") String when,
                  @JsonProperty("timeout") Duration timeout,
                  @JsonAnySetter @JsonAnyGetter @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> options) {

    /** The keys kinesin owns in every entry, whatever the kind; {@code timeout} goes to the kind as well. */
    static final List<String> KEYS = List.of("type", "when", "timeout");
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    static final List<String> WHEN = List.of("always", "failure", "final", "failed");

    HookConfig {
        if (type == null) {
            throw ConfigProblem.missing("type", "every hook needs a type: exec or webhook (or a plugin's kind)");
        }
        type = type.strip().toLowerCase(Locale.ROOT);
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        if (timeout.isZero() || timeout.isNegative()) {
            throw new ConfigProblem("timeout", "must be > 0");
        }
        if (when != null) {
            when = when.strip().toLowerCase(Locale.ROOT);
            if (!WHEN.contains(when)) {
                throw new ConfigProblem("when", "unknown \"" + when + "\"; expected always, failure, final, failed");
            }
        }
        options = options == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(options));
    }

    /** An {@code on-death} entry: {@code when} defaults to failure. */
    HookConfig forDeaths() {
        return new HookConfig(type, when == null ? "failure" : when, timeout, options);
    }

    /** An {@code on-exit} entry: it runs once, so {@code when} means nothing there. */
    HookConfig forExit() {
        if (when != null) {
            throw new ConfigProblem("when", "an on-exit hook runs once, when kinesin exits; remove when (it is for on-death)");
        }
        return this;
    }

    /** What the kind's plugin binds: its own keys and the normalized {@code timeout}. */
    Map<String, JsonNode> pluginNode() {
        Map<String, JsonNode> node = new TreeMap<>(options);
        node.put("timeout", TextNode.valueOf(Durations.format(timeout)));
        return node;
    }

    /** The same entry with the kind's keys in their bound, normalized form ({@code timeout} is kinesin's to print). */
    HookConfig bound(Map<String, JsonNode> normalized) {
        Map<String, JsonNode> own = new TreeMap<>(normalized);
        own.remove("timeout");
        return new HookConfig(type, when, timeout, own);
    }
}
