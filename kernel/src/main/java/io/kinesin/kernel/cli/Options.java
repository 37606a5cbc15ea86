package io.kinesin.kernel.cli;

import io.kinesin.kernel.log.Log;
import io.kinesin.spi.Signal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The OPTIONS of kinesin's command line, as given: null (or empty) means "not given", so a
 * config file's {@code kinesin:} section or the mode's default applies.
 *
 * @param ladder     {@code -k}: ladder signals, in order (appended across repeats)
 * @param timeout    {@code -t}: wait after each ladder step
 * @param forward    {@code -s}: forwarded signals (appended across repeats)
 * @param group      {@code -g} true / {@code --no-group} false
 * @param rewrite    {@code -r FROM:TO}; TO null drops FROM
 * @param exitCodes  {@code -e}: codes mapped to 0
 * @param control    {@code --control PATH}: the control socket ({@code run} and the control commands)
 */
public record Options(List<Signal> ladder, Duration timeout, List<Signal> forward, Boolean group,
                      Map<Signal, Signal> rewrite, Set<Integer> exitCodes, Log.Format logFormat, Log.Level logLevel,
                      String http, String pluginsDir, String control) {

    public static final Options NONE = new Options(List.of(), null, List.of(), null, Map.of(), Set.of(), null, null, null, null, null);

    public Options {
        ladder = List.copyOf(ladder);
        forward = List.copyOf(forward);
        rewrite = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rewrite));
        exitCodes = Set.copyOf(exitCodes);
    }
}
