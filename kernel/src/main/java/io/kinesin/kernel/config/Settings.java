package io.kinesin.kernel.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.kinesin.kernel.log.Log;
import io.kinesin.spi.Signal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The {@code kinesin:} section: supervisor-wide settings, each also a command-line option. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Settings(@JsonProperty("log") LogSettings log,
                @JsonProperty("http") JsonNode http,
                @JsonProperty("plugins") PluginSettings plugins,
                @JsonProperty("shutdown") LadderConfig shutdown,
                @JsonProperty("exit-codes") Map<Integer, Integer> exitCodes,
                @JsonProperty("signals") SignalSettings signals) {

    static final Settings DEFAULT = new Settings(null, null, null, null, null, null);

    Settings {
        NotYet.reject(http, "http", "the HTTP endpoint");
        plugins = plugins == null ? PluginSettings.DEFAULT : plugins;
        log = log == null ? LogSettings.DEFAULT : log;
        shutdown = shutdown == null ? LadderConfig.DEFAULT : shutdown;
        exitCodes = exitCodes == null ? Map.of() : new LinkedHashMap<>(exitCodes);
        exitCodes.forEach((from, to) -> {
            if (from < 0 || from > 255 || to == null || to < 0 || to > 255) {
                throw new ConfigProblem("exit-codes", "maps exit codes 0-255 to 0-255, not " + from + " → " + to);
            }
        });
        signals = signals == null ? SignalSettings.DEFAULT : signals;
    }

    /** {@code kinesin.plugins}: {@code --plugins-dir}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record PluginSettings(@JsonProperty("dir") String dir) {

        static final PluginSettings DEFAULT = new PluginSettings(null);

        PluginSettings {
            if (dir != null && dir.isBlank()) {
                throw new ConfigProblem("dir", "is empty; give the directory plugin jars are in, e.g. /opt/kinesin/plugins");
            }
        }
    }

    /** {@code kinesin.log}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LogSettings(@JsonProperty("format") Log.Format format, @JsonProperty("level") Log.Level level,
                       @JsonProperty("output") String output) {

        static final LogSettings DEFAULT = new LogSettings(null, null, null);

        LogSettings {
            format = format == null ? Log.Format.LOGFMT : format;
            level = level == null ? Log.Level.INFO : level;
            output = output == null ? "stderr" : output.strip().toLowerCase(Locale.ROOT);
            if (!output.equals("stderr") && !output.equals("stdout")) {
                throw new ConfigProblem("output", "unknown output \"" + output + "\"; expected stderr, stdout");
            }
        }
    }

    /**
     * {@code kinesin.signals}: {@code -s}, {@code -g}/{@code --no-group} and {@code -r}.
     *
     * @param forward null: every catchable signal but CHLD, TERM and the ladder's
     * @param rewrite FROM → TO; TO "0" drops FROM
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SignalSettings(@JsonProperty("forward") List<Signal> forward, @JsonProperty("target") String target,
                          @JsonProperty("rewrite") Map<String, String> rewrite) {

        static final SignalSettings DEFAULT = new SignalSettings(null, null, null);

        SignalSettings {
            target = target == null ? Target.GROUP : Target.parse(target, "target");
            rewrite = Rewrites.check(rewrite, "rewrite");
            forward = forward == null ? null : List.copyOf(forward);
        }
    }
}
