package io.kinesin.kernel.supervise;

import io.kinesin.kernel.process.SpawnException;
import io.kinesin.spi.Signal;

import java.time.Duration;
import java.util.List;

/**
 * What {@link Supervision} asks of the world. The real one spawns and signals processes and
 * runs timers; tests record the calls and hand out fake pids. Called on the supervisor's
 * thread only.
 */
public interface Effects {

    /**
     * Starts a process for this instance of the service, with its readiness channel and health
     * checks, which speak for {@code ticket} (whose pid the caller sets from the result).
     *
     * @return its pid; 0 when a launcher starts it and reports the pid later
     *         ({@link Supervision#onLaunched})
     */
    int spawn(ServiceSpec service, int instance, Ticket ticket) throws SpawnException;

    /**
     * Asks a service's launcher to load its code anew ({@code kinesin restart SERVICE}); calls
     * {@code then} on the supervisor's thread with null once it has, or with why it could not.
     */
    default void reload(ServiceSpec service, java.util.function.Consumer<String> then) {
        then.accept(null);
    }

    /** Sends a signal to a pid, or to the process group it leads. */
    void signal(int pid, Signal signal, boolean group);

    /** Wakes the supervisor with {@code timer} after {@code delay}, replacing a pending one. */
    void schedule(Timer timer, Duration delay);

    void cancel(Timer timer);

    /** Pids of kinesin's children now: those it started and orphans it adopted. */
    List<Integer> children();

    /** Hands a lifecycle record to the listeners; never blocks. */
    void publish(Lifecycle record);
}
