package io.kinesin.kernel.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A whole config file, validated, with every default filled in. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ConfigFile(@JsonProperty("kinesin") Settings kinesin,
                  @JsonProperty("sinks") Map<String, SinkConfig> sinks,
                  @JsonProperty("services") Map<String, ServiceConfig> services,
                  @JsonProperty("on-exit") List<HookConfig> onExit) {

    ConfigFile {
        kinesin = kinesin == null ? Settings.DEFAULT : kinesin;
        Map<String, SinkConfig> allSinks = new LinkedHashMap<>();
        allSinks.put("console", new SinkConfig("console", null, null, null, null)); // always there; may be redefined
        if (sinks != null) {
            allSinks.putAll(sinks);
        }
        sinks = allSinks;
        for (var e : sinks.entrySet()) {
            checkName(e.getKey(), "sinks");
            if (e.getValue() == null) {
                throw new ConfigProblem("sinks." + e.getKey(), "is empty; give it a type: console or file");
            }
        }
        if (services == null || services.isEmpty()) {
            throw ConfigProblem.missing("services", "nothing to run; add at least one service with its command, e.g. services: { web: { command: [/usr/bin/app] } }");
        }
        Map<String, ServiceConfig> filled = new LinkedHashMap<>();
        for (var e : services.entrySet()) {
            checkName(e.getKey(), "services");
            if (e.getValue() == null) {
                throw new ConfigProblem("services." + e.getKey(), "is empty; give it a command");
            }
            filled.put(e.getKey(), e.getValue().withDefaults(kinesin));
            for (String sink : e.getValue().stdout().sinks()) {
                knownSink(sinks, sink, "services." + e.getKey() + ".stdout");
            }
            for (String sink : e.getValue().stderr().sinks()) {
                knownSink(sinks, sink, "services." + e.getKey() + ".stderr");
            }
        }
        services = filled;
        List<HookConfig> exits = new java.util.ArrayList<>();
        if (onExit != null) {
            for (int k = 0; k < onExit.size(); k++) {
                try {
                    exits.add(onExit.get(k).forExit());
                } catch (ConfigProblem p) {
                    throw p.under("on-exit[" + k + "]");
                }
            }
        }
        onExit = List.copyOf(exits);
    }

    private static void knownSink(Map<String, SinkConfig> sinks, String name, String at) {
        if (!sinks.containsKey(name)) {
            String near = Suggestions.nearest(name, sinks.keySet());
            throw new ConfigProblem(at + ".sinks", "no sink \"" + name + "\""
                    + (near != null ? "; did you mean \"" + near + "\"?" : "; define it under sinks:"));
        }
    }

    /** Service and sink names show up in log prefixes and KINESIN_SERVICE: keep them plain. */
    private static void checkName(String name, String section) {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
            throw new ConfigProblem(section + "." + name, "\"" + name + "\" is not a name; use letters, digits, - and _ (starting with a letter or digit)");
        }
    }
}
