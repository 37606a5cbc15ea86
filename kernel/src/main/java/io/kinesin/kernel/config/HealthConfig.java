package io.kinesin.kernel.config;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.kinesin.kernel.supervise.HealthSpec;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * One entry of a service's {@code health:} list. The scheduling keys are kinesin's, the same
 * for every kind (Kubernetes' probe semantics); the other keys are the kind's plugin's
 * ({@code url}, {@code command}, {@code address}), kept as {@code options} and bound to its
 * record once plugins are loaded.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record HealthConfig(@JsonProperty("type") String type,
                    @JsonProperty("every") Duration every,
                    @JsonProperty("timeout") Duration timeout,
                    @JsonProperty("initial-delay") Duration initialDelay,
                    @JsonProperty("failures") Integer failures,
                    @JsonProperty("successes") Integer successes,
                    @JsonProperty("action") String action,
                    @JsonAnySetter @JsonAnyGetter @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, JsonNode> options) {

    /** The keys kinesin owns in every entry, whatever the kind. */
    static final java.util.List<String> KEYS = java.util.List.of("type", "every", "timeout", "initial-delay", "failures",
            "successes", "action");
    static final Duration DEFAULT_EVERY = Duration.ofSeconds(10);
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

    HealthConfig {
        if (type == null) {
            throw ConfigProblem.missing("type", "every health check needs a type: exec, http or tcp (or a plugin's kind)");
        }
        type = type.strip().toLowerCase(Locale.ROOT);
        every = every == null ? DEFAULT_EVERY : every;
        timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
        initialDelay = initialDelay == null ? Duration.ZERO : initialDelay;
        failures = failures == null ? 3 : failures;
        successes = successes == null ? 1 : successes;
        action = action == null ? "restart" : action.strip().toLowerCase(Locale.ROOT);
        options = options == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(options));
        if (every.isZero() || every.isNegative()) {
            throw new ConfigProblem("every", "must be > 0");
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new ConfigProblem("timeout", "must be > 0");
        }
        if (initialDelay.isNegative()) {
            throw new ConfigProblem("initial-delay", "must be >= 0");
        }
        if (failures < 1) {
            throw new ConfigProblem("failures", failures + " is too few; expected 1 or more consecutive failures");
        }
        if (successes < 1) {
            throw new ConfigProblem("successes", successes + " is too few; expected 1 or more consecutive passes");
        }
        if (!action.equals("restart") && !action.equals("unready")) {
            throw new ConfigProblem("action", "unknown action \"" + action + "\"; expected restart or unready");
        }
    }

    HealthSpec spec() {
        return new HealthSpec(type, every, timeout, initialDelay, failures, successes,
                HealthSpec.Action.valueOf(action.toUpperCase(Locale.ROOT)));
    }

    /** The same entry with its kind's keys in their bound, normalized form. */
    HealthConfig bound(Map<String, JsonNode> normalized) {
        return new HealthConfig(type, every, timeout, initialDelay, failures, successes, action, normalized);
    }
}
