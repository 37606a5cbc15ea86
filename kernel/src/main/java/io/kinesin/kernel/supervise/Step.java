package io.kinesin.kernel.supervise;

import java.util.EnumMap;
import java.util.Map;

import static io.kinesin.kernel.supervise.State.BACKOFF;
import static io.kinesin.kernel.supervise.State.EXITED;
import static io.kinesin.kernel.supervise.State.FAILED;
import static io.kinesin.kernel.supervise.State.READY;
import static io.kinesin.kernel.supervise.State.RUNNING;
import static io.kinesin.kernel.supervise.State.STARTING;
import static io.kinesin.kernel.supervise.State.STOPPING;

/**
 * What happens to an instance, as the rules decide it; {@link #next} is the one transition
 * table (state × step → state), s6-supervise style. A step a state does not allow is a bug in
 * the rules and throws.
 */
public enum Step {
    /** Its process was spawned. */
    SPAWNED,
    /** It reported ready (or counts as ready as soon as it runs). */
    BECAME_READY,
    /** A failing {@code action: unready} health check took it out of ready. */
    UNREADY,
    /** It ended (or could not be spawned) and will be spawned again after its backoff. */
    BACK_OFF,
    /** It ended for good without a failure, or kinesin stopped it. */
    ENDED,
    /** It ended for good with a failure: a failed exit, a crash loop, a dependency that failed. */
    FAILED,
    /** kinesin sends it a step of its stop ladder. */
    STOP,
    /** The shutdown came before it was spawned (again). */
    CANCELLED,
    /** Still alive after the last ladder step: kinesin gives up waiting for it. */
    ABANDONED,
    /** An operator held it down ({@code kinesin stop}) before it was spawned (again). */
    HELD,
    /** An operator starts it again ({@code kinesin start|restart}) after it ended. */
    RELEASED;

    private static final Map<State, Map<Step, State>> TABLE = new EnumMap<>(State.class);

    static {
        allow(STARTING, SPAWNED, RUNNING);
        allow(STARTING, BACK_OFF, BACKOFF);
        allow(STARTING, ENDED, EXITED);
        allow(STARTING, FAILED, State.FAILED);
        allow(STARTING, CANCELLED, EXITED);
        allow(STARTING, HELD, EXITED);

        allow(RUNNING, BECAME_READY, READY);
        allow(RUNNING, BACK_OFF, BACKOFF);
        allow(RUNNING, ENDED, EXITED);
        allow(RUNNING, FAILED, State.FAILED);
        allow(RUNNING, STOP, STOPPING);

        allow(READY, UNREADY, RUNNING);
        allow(READY, BACK_OFF, BACKOFF);
        allow(READY, ENDED, EXITED);
        allow(READY, FAILED, State.FAILED);
        allow(READY, STOP, STOPPING);

        allow(BACKOFF, SPAWNED, RUNNING);
        allow(BACKOFF, BACK_OFF, BACKOFF);
        allow(BACKOFF, ENDED, EXITED);
        allow(BACKOFF, FAILED, State.FAILED);
        allow(BACKOFF, CANCELLED, EXITED);
        allow(BACKOFF, HELD, EXITED);

        allow(EXITED, RELEASED, STARTING);
        allow(State.FAILED, RELEASED, STARTING);

        allow(STOPPING, STOP, STOPPING);
        allow(STOPPING, ENDED, EXITED);
        // a broken instance (readiness, watchdog, health) is stopped, then restarted by its policy
        allow(STOPPING, BACK_OFF, BACKOFF);
        allow(STOPPING, FAILED, State.FAILED);
        allow(STOPPING, ABANDONED, EXITED);
    }

    private static void allow(State from, Step step, State to) {
        TABLE.computeIfAbsent(from, f -> new EnumMap<>(Step.class)).put(step, to);
    }

    /**
     * The state an instance in {@code from} moves to on this step.
     *
     * @throws IllegalStateException if {@code from} does not allow this step
     */
    public State next(State from) {
        State to = TABLE.getOrDefault(from, Map.of()).get(this);
        if (to == null) {
            throw new IllegalStateException("an instance in state " + from.label() + " cannot take step " + this);
        }
        return to;
    }

    /** Whether {@code from} allows this step. */
    public boolean allowedFrom(State from) {
        return TABLE.getOrDefault(from, Map.of()).containsKey(this);
    }
}
