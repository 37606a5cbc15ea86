package io.kinesin.kernel.cli;

import io.kinesin.kernel.process.SignalCatcher;
import io.kinesin.kernel.supervise.ExitCodes;
import io.kinesin.kernel.supervise.Forwarding;
import io.kinesin.kernel.supervise.Ladder;
import io.kinesin.spi.Signal;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** How the signal and exit-code options turn into the supervisor's policies, defaults filled in. */
public final class Defaults {

    private Defaults() {
    }

    /** {@code -k} and {@code -t}, or {@code TERM,KILL} every 2s. */
    public static Ladder ladder(List<Signal> signals, Duration timeout) {
        return new Ladder(signals.isEmpty() ? Ladder.DEFAULT.signals() : signals, timeout == null ? Ladder.DEFAULT_TIMEOUT : timeout);
    }

    /**
     * {@code -s}, {@code -g}/{@code --no-group} and {@code -r}. By default every signal kinesin
     * can catch is forwarded except CHLD and the ladder's own: TERM, which starts the ladder at
     * once, and the signals the ladder sends.
     *
     * @param what names the options in error messages ({@code -s}, {@code kinesin.signals.forward})
     */
    public static Forwarding forwarding(List<Signal> forward, Boolean group, Map<Signal, Signal> rewrite, Ladder ladder,
                                        String what, String rewriteWhat) throws UsageException {
        List<Signal> catchable = SignalCatcher.catchable();
        Set<Signal> set = new LinkedHashSet<>();
        if (forward.isEmpty()) {
            set.addAll(catchable);
            set.remove(Signal.CHLD);
            set.remove(Signal.TERM);
            ladder.signals().forEach(set::remove);
        } else {
            for (Signal s : forward) {
                set.add(catchableOrFail(s, catchable, what));
            }
        }
        for (Signal from : rewrite.keySet()) {
            catchableOrFail(from, catchable, rewriteWhat);
        }
        return new Forwarding(set, group == null || group, new HashMap<>(rewrite));
    }

    private static Signal catchableOrFail(Signal s, List<Signal> catchable, String what) throws UsageException {
        if (s.equals(Signal.CHLD)) {
            throw new UsageException(what + ": SIGCHLD cannot be forwarded; kinesin reaps children on it");
        }
        if (s.equals(Signal.QUIT)) {
            throw new UsageException(what + ": kinesin cannot catch SIGQUIT (the JVM keeps it for thread dumps); "
                    + "send QUIT to children with -k QUIT,TERM,KILL or -r USR1:QUIT");
        }
        if (!catchable.contains(s)) {
            throw new UsageException(what + ": kinesin cannot catch " + s.sigName() + "; it can forward "
                    + String.join(",", catchable.stream().filter(c -> !c.equals(Signal.CHLD)).map(Signal::name).toList()));
        }
        return s;
    }

    /** {@code -e CODE}: each maps to 0. */
    public static ExitCodes exitCodes(Set<Integer> zeroed) {
        Map<Integer, Integer> m = new HashMap<>();
        zeroed.forEach(c -> m.put(c, 0));
        return new ExitCodes(m);
    }
}
