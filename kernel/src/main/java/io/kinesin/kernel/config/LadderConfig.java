package io.kinesin.kernel.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kinesin.kernel.supervise.Ladder;
import io.kinesin.spi.Signal;

import java.time.Duration;
import java.util.List;

/** {@code kinesin.shutdown} and a service's {@code stop}: a termination ladder. */
record LadderConfig(@JsonProperty("signals") List<Signal> signals, @JsonProperty("timeout") Duration timeout) {

    static final LadderConfig DEFAULT = new LadderConfig(Ladder.DEFAULT.signals(), Ladder.RUN_TIMEOUT);

    LadderConfig {
        if (signals == null) {
            signals = Ladder.DEFAULT.signals();
        }
        if (signals.isEmpty()) {
            throw new ConfigProblem("signals", "the ladder needs at least one signal, e.g. [TERM, KILL]");
        }
        for (int i = 0; i < signals.size(); i++) {
            if (signals.get(i) == null) {
                throw new ConfigProblem("signals[" + i + "]", "an empty entry is not a signal");
            }
        }
        signals = List.copyOf(signals);
        if (timeout == null) {
            timeout = Ladder.RUN_TIMEOUT;
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new ConfigProblem("timeout", "the wait after each ladder step must be > 0");
        }
    }

    Ladder ladder() {
        return new Ladder(signals, timeout);
    }
}
