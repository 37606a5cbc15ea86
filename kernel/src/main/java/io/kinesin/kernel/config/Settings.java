package io.kinesin.kernel.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.kinesin.kernel.http.Listen;
import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.logbus.BusSettings;
import io.kinesin.kernel.logbus.LogBus;
import io.kinesin.kernel.supervise.Ladder;
import io.kinesin.spi.Signal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The {@code kinesin:} section: supervisor-wide settings, each also a command-line option. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Settings(@JsonProperty("log") LogSettings log,
                @JsonProperty("http") JsonNode http,
                @JsonProperty("control") JsonNode control,
                @JsonProperty("plugins") PluginSettings plugins,
                @JsonProperty("shutdown") ShutdownSettings shutdown,
                @JsonProperty("exit-codes") Map<Integer, Integer> exitCodes,
                @JsonProperty("signals") SignalSettings signals) {

    static final Settings DEFAULT = new Settings(null, null, null, null, null, null, null);

    Settings {
        HttpConfig.of(http); // checked now, so that kinesin check finds its mistakes
        ControlConfig.of(control); // checked now, so that kinesin check finds its mistakes
        plugins = plugins == null ? PluginSettings.DEFAULT : plugins;
        log = log == null ? LogSettings.DEFAULT : log;
        shutdown = shutdown == null ? ShutdownSettings.DEFAULT : shutdown;
        exitCodes = exitCodes == null ? Map.of() : new LinkedHashMap<>(exitCodes);
        exitCodes.forEach((from, to) -> {
            if (from < 0 || from > 255 || to == null || to < 0 || to > 255) {
                throw new ConfigProblem("exit-codes", "maps exit codes 0-255 to 0-255, not " + from + " → " + to);
            }
        });
        signals = signals == null ? SignalSettings.DEFAULT : signals;
    }

    /** {@code kinesin.http.listen}, checked; null when there is no endpoint. */
    Listen httpListen() {
        return HttpConfig.of(http);
    }

    /** {@code kinesin.control}, checked. */
    ControlConfig controlConfig() {
        return ControlConfig.of(control);
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

    /**
     * {@code kinesin.log}: kinesin's own log, and {@code max-line}, where children's lines are
     * cut.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record LogSettings(@JsonProperty("format") Log.Format format, @JsonProperty("level") Log.Level level,
                       @JsonProperty("output") String output, @JsonProperty("max-line") ByteSize maxLine) {

        static final LogSettings DEFAULT = new LogSettings(null, null, null, null);

        LogSettings {
            format = format == null ? Log.Format.LOGFMT : format;
            level = level == null ? Log.Level.INFO : level;
            output = output == null ? "stderr" : output.strip().toLowerCase(Locale.ROOT);
            if (!output.equals("stderr") && !output.equals("stdout")) {
                throw new ConfigProblem("output", "unknown output \"" + output + "\"; expected stderr, stdout");
            }
            maxLine = maxLine == null ? new ByteSize(BusSettings.DEFAULT_MAX_LINE) : maxLine;
            try {
                maxLine.within(BusSettings.MIN_MAX_LINE, BusSettings.MAX_MAX_LINE, "a maximum line");
            } catch (ConfigProblem p) {
                throw p.under("max-line");
            }
        }
    }

    /**
     * {@code kinesin.shutdown}: the global termination ladder (also every service's {@code stop}
     * unless it has its own), and {@code flush}, how long sinks get to deliver at exit.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ShutdownSettings(@JsonProperty("signals") List<Signal> signals, @JsonProperty("timeout") Duration timeout,
                            @JsonProperty("flush") Duration flush) {

        static final ShutdownSettings DEFAULT = new ShutdownSettings(null, null, null);

        ShutdownSettings {
            LadderConfig ladder = new LadderConfig(signals, timeout); // its defaults and checks
            signals = ladder.signals();
            timeout = ladder.timeout();
            flush = flush == null ? LogBus.DEFAULT_FLUSH : flush;
        }

        /** The ladder, as a service's {@code stop} that it stands in for. */
        LadderConfig stop() {
            return new LadderConfig(signals, timeout);
        }

        Ladder ladder() {
            return stop().ladder();
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
