package io.kinesin.kernel.process;

import io.kinesin.spi.Signal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;

/**
 * Catches signals through the JVM ({@code sun.misc.Signal}): HotSpot's own handler runs, and a
 * fresh thread calls ours for each delivery (several deliveries may coalesce into one call).
 * So a handler must only hand the signal to the supervisor's loop.
 *
 * <p>What the JVM does not let Java catch: QUIT (its thread dump), ILL, FPE, SEGV, BUS (its
 * own faults), KILL and STOP. USR2 only once HotSpot's suspend/resume signal has been moved
 * off it with {@code _JAVA_SR_SIGNUM} (bin/kinesin does that). PIPE is left to the JVM, which
 * ignores it: kinesin's own writes to a closed pipe raise it, and that must not reach children.
 */
public final class SignalCatcher {

    private static final List<String> CATCHABLE = List.of(
            "HUP", "INT", "TERM", "USR1", "WINCH", "CHLD", "TSTP", "TTIN", "TTOU", "CONT", "ALRM",
            "URG", "XCPU", "XFSZ", "VTALRM", "PROF", "SYS", "TRAP", "ABRT", "STKFLT", "IO", "PWR");

    private SignalCatcher() {
    }

    /** Every signal kinesin can catch in this JVM. */
    public static List<Signal> catchable() {
        List<Signal> out = new ArrayList<>(CATCHABLE.size() + 1);
        for (String name : CATCHABLE) {
            out.add(Signal.parse(name));
        }
        if (usr2Free()) {
            out.add(Signal.USR2);
        }
        return out;
    }

    /** Whether HotSpot's suspend/resume signal has been moved off USR2. */
    static boolean usr2Free() {
        String sr = System.getenv("_JAVA_SR_SIGNUM");
        return sr != null && !sr.isBlank() && !sr.strip().equals("12");
    }

    /**
     * Routes the given signals to {@code onSignal}, and unblocks them in the calling thread and
     * the threads it starts later. A signal this process ignores (bin/kinesin ignores the ones
     * kinesin forwards until it catches them; the user may have ignored others, nohup-style)
     * goes straight from ignored to caught, never through its default action, which would end
     * kinesin.
     *
     * @throws IllegalArgumentException if one of them is not {@link #catchable()}
     */
    public static void install(Collection<Signal> signals, Consumer<Signal> onSignal) {
        List<Signal> catchable = catchable();
        for (Signal s : signals) {
            if (!catchable.contains(s)) {
                throw new IllegalArgumentException("kinesin cannot catch " + s.sigName() + " in the JVM");
            }
        }
        Signal caught = null;
        List<Signal> leftIgnored = new ArrayList<>();
        for (Signal s : signals) {
            handle(s, onSignal);
            if (!Processes.isIgnored(s)) {
                caught = s;
            } else {
                // The JVM registers our handler but leaves HUP, INT and TERM ignored if they were
                // (so that nohup works for Java programs); every other signal it catches anyway.
                leftIgnored.add(s);
            }
        }
        for (Signal s : leftIgnored) {
            if (caught != null) {
                // The JVM catches every signal with the same action, and dispatches by number
                // to the handler registered above: copy the action from a caught signal.
                Processes.copyAction(caught, s);
            } else {
                // nothing caught to copy from: a moment at the default action
                Processes.setDefault(s);
                handle(s, onSignal);
            }
        }
        Processes.unblock(signals);
    }

    private static void handle(Signal s, Consumer<Signal> onSignal) {
        sun.misc.Signal.handle(new sun.misc.Signal(s.name()), delivered -> onSignal.accept(s));
    }
}
