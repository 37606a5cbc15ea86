package io.kinesin.kernel.supervise;

import io.kinesin.kernel.log.Log;
import io.kinesin.spi.Signal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Every instance of a plan, by service and by pid; how an instance changes state (the one
 * place: {@link #move}) and how signals reach it. Supervisor thread only.
 */
final class Instances {

    private final Map<String, List<Instance>> byService = new LinkedHashMap<>();
    private final Map<Integer, Instance> byPid = new HashMap<>();
    private final Effects effects;
    private final Clock clock;
    private final Log log;

    Instances(Plan plan, Effects effects, Clock clock, Log log) {
        this.effects = effects;
        this.clock = clock;
        this.log = log;
        for (ServiceSpec s : plan.services()) {
            List<Instance> list = new ArrayList<>(s.replicas());
            for (int i = 0; i < s.replicas(); i++) {
                list.add(new Instance(s, i));
            }
            byService.put(s.name(), list);
        }
    }

    List<Instance> of(String service) {
        return byService.get(service);
    }

    /** The services' names, in plan order. */
    List<String> names() {
        return List.copyOf(byService.keySet());
    }

    Iterable<List<Instance>> all() {
        return byService.values();
    }

    /** Moves an instance through the transition table and tells the listeners. */
    void move(Instance i, Step step) {
        State from = i.take(step);
        effects.publish(new Lifecycle.Moved(i.service.name(), i.index, from, i.state(), step, i.pid, clock.now()));
    }

    void started(Instance i) {
        i.reaped = false;
        byPid.put(i.pid, i);
    }

    /**
     * The instance whose process this was, marked {@link Instance#reaped} and no longer found by
     * its pid; null for a process that is no instance's.
     */
    Instance reaped(int pid) {
        Instance i = byPid.remove(pid);
        if (i != null) {
            i.reaped = true;
        }
        return i;
    }

    boolean isOurs(int pid) {
        return byPid.containsKey(pid);
    }

    boolean hasProcess(String service) {
        for (Instance i : byService.get(service)) {
            if (i.state().hasProcess()) {
                return true;
            }
        }
        return false;
    }

    boolean anyLive() {
        for (String service : byService.keySet()) {
            if (hasProcess(service)) {
                return true;
            }
        }
        return false;
    }

    boolean allFinal() {
        for (List<Instance> list : byService.values()) {
            for (Instance i : list) {
                if (!i.state().isFinal()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether an operator holds an instance down: kinesin then waits for a start instead of exiting. */
    boolean anyHeld() {
        for (List<Instance> list : byService.values()) {
            for (Instance i : list) {
                if (i.held) {
                    return true;
                }
            }
        }
        return false;
    }

    void forEachLive(Consumer<Instance> action) {
        for (List<Instance> list : byService.values()) {
            for (Instance i : list) {
                if (i.state().hasProcess()) {
                    action.accept(i);
                }
            }
        }
    }

    /**
     * Sends step {@code k} of the instance's own stop ladder and arms {@code timer} for the
     * ladder's timeout (an operator's stop, a broken instance).
     */
    void sendLadderStep(Instance i, int k, Timer timer) {
        Ladder ladder = i.service.stop();
        send(i, Optional.of(ladder.step(k)), true);
        effects.schedule(timer, ladder.timeout());
    }

    /**
     * Signals an instance's process (or its group, as its service says).
     *
     * @param stopping kinesin sends it to stop the instance: a death by it is no failure
     */
    void send(Instance i, Optional<Signal> signal, boolean stopping) {
        if (signal.isEmpty() || i.reaped) {
            return; // a reaped pid may already belong to another process
        }
        if (stopping) {
            i.stopSignals.add(signal.get());
        }
        if (i.pid == 0) { // a launcher's start: the pid is not known yet
            i.deferred.add(new Instance.Deferred(signal.get(), i.service.forwarding().group()));
            return;
        }
        if (log.enabled(Log.Level.DEBUG)) {
            log.debug("signal", "service", i.service.name(), "instance", i.index, "pid", i.pid, "signal", signal.get().sigName());
        }
        effects.signal(i.pid, signal.get(), i.service.forwarding().group());
    }
}
