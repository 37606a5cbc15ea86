package io.kinesin.kernel.supervise;

import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Signal;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/** One instance of a service and its state. Owned by the supervisor's thread. */
final class Instance {

    final ServiceSpec service;
    final int index;
    private State state = State.STARTING;
    int pid;
    /**
     * Its process has been reaped but the rules have not handled the death yet (a batch of
     * deaths is marked first): it must not be signalled, its pid may be reused.
     */
    boolean reaped;
    long startedNanos;
    Instant startedAt;
    int restarts;
    int attempt;
    final Deque<Long> deaths = new ArrayDeque<>();
    ExitStatus lastExit;
    Instant lastExitAt;
    /** An operator's stop or restart in progress (its ladder, then hold or spawn), or null. */
    Orders.Underway underway;
    /** A reload's roll waits for this instance's new process to become ready, or null. */
    Orders.Rolling rolling;
    /** Held down by an operator's {@code kinesin stop}: not restarted, not counted, no reason to exit. */
    boolean held;
    boolean everStarted;
    boolean everReady;
    String failure;
    /** Signals kinesin sent this instance to stop it: a death by one of them is no failure. */
    final Set<Signal> stopSignals = new HashSet<>();
    /** Who its current process's readiness channel and checks speak for. */
    Ticket ticket;
    /** Its current process said it is ready (by its protocol), whatever its unready checks say. */
    boolean saidReady;
    /** The last {@code STATUS=} its current process sent. */
    String notifyStatus;
    /** Its watchdog period now; zero: none. */
    java.time.Duration watchdog = java.time.Duration.ZERO;
    /** Why kinesin is stopping it (readiness, watchdog, health), or null; its death is a failure. */
    Lifecycle.Cause broken;
    String brokenWhy;
    int brokenStep;
    /**
     * Signals sent while a launcher's start has no pid yet ({@link #pid} 0): sent in order once
     * the pid is known.
     */
    final List<Deferred> deferred = new ArrayList<>(0);
    /** Its process said it is ready before its launcher reported the pid: ready once it has. */
    boolean readyBeforePid;
    /** Why the last launch of its process failed (a launcher's error), or null. */
    String launchError;
    /** Its checks' counts, in the service's health order. */
    final CheckState[] checks;

    /** A signal held for a process whose pid a launcher has not reported yet. */
    record Deferred(Signal signal, boolean group) {
    }

    /** What the loop knows of one health check of the current process. */
    static final class CheckState {
        Boolean passing;
        String lastResult;
        Instant lastAt;
        int failures;
        int successes;

        void reset() {
            passing = null;
            lastResult = null;
            lastAt = null;
            failures = 0;
            successes = 0;
        }
    }

    Instance(ServiceSpec service, int index) {
        this.service = service;
        this.index = index;
        this.checks = new CheckState[service.health().size()];
        for (int k = 0; k < checks.length; k++) {
            checks[k] = new CheckState();
        }
    }

    State state() {
        return state;
    }

    /** Takes a step through the transition table ({@link Step#next}); the rules go through {@link Instances#move}. */
    State take(Step step) {
        State from = state;
        state = step.next(from);
        return from;
    }

    String name() {
        return service.replicas() > 1 ? service.name() + "." + index : service.name();
    }

    InstanceView view() {
        List<InstanceView.Check> health = new ArrayList<>(checks.length);
        for (int k = 0; k < checks.length; k++) {
            HealthSpec h = service.health().get(k);
            CheckState c = checks[k];
            health.add(new InstanceView.Check(h.type(), h.action(), c.passing, c.lastResult, c.lastAt, c.failures));
        }
        return new InstanceView(service.name(), index, state, state.hasProcess() ? pid : 0, startedAt, restarts, lastExit,
                lastExitAt, failure, held, state.hasProcess() ? notifyStatus : null, health);
    }
}
