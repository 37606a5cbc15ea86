package io.kinesin.kernel.supervise;

import io.kinesin.spi.Signal;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which signals kinesin passes on to its children, and how.
 *
 * @param signals what is forwarded when kinesin receives it (TERM and INT also start the shutdown)
 * @param group   to each child's whole process group (true) or to its pid only
 * @param rewrite signal received → signal sent; a mapping to null drops the signal
 */
public record Forwarding(Set<Signal> signals, boolean group, Map<Signal, Signal> rewrite) {

    public Forwarding {
        signals = Set.copyOf(signals);
        rewrite = Collections.unmodifiableMap(new HashMap<>(rewrite == null ? Map.of() : rewrite));
    }

    /** Whether a received signal is passed on (in the forwarded set, or given a rewrite rule). */
    public boolean forwards(Signal s) {
        return signals.contains(s) || rewrite.containsKey(s);
    }

    /** What to send for a received signal; empty if a rewrite drops it. */
    public Optional<Signal> rewritten(Signal s) {
        return rewrite.containsKey(s) ? Optional.ofNullable(rewrite.get(s)) : Optional.of(s);
    }
}
