package io.kinesin.kernel.supervise;

import io.kinesin.spi.Signal;

import java.time.Duration;
import java.util.List;

/**
 * A termination ladder: signals sent in turn to whatever is still alive, waiting
 * {@code timeout} after each step. The last step is normally KILL.
 */
public record Ladder(List<Signal> signals, Duration timeout) {

    /** The CLI modes' wait after each step (muinit's). */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);
    /** {@code run}'s wait after each step: docker stop's and supervisord's 10 seconds. */
    public static final Duration RUN_TIMEOUT = Duration.ofSeconds(10);
    public static final Ladder DEFAULT = new Ladder(List.of(Signal.TERM, Signal.KILL), DEFAULT_TIMEOUT);

    public Ladder {
        signals = List.copyOf(signals);
        if (signals.isEmpty()) {
            throw new IllegalArgumentException("a ladder needs at least one signal");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the wait after each ladder step must be > 0, not " + timeout);
        }
    }

    public int steps() {
        return signals.size();
    }

    public Signal step(int i) {
        return signals.get(i);
    }
}
