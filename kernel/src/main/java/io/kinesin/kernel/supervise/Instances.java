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

/** Every instance of a plan, by service and by pid, and how signals reach them. Supervisor thread only. */
final class Instances {

    private final Map<String, List<Instance>> byService = new LinkedHashMap<>();
    private final Map<Integer, Instance> byPid = new HashMap<>();
    private final Effects effects;
    private final Log log;

    Instances(Plan plan, Effects effects, Log log) {
        this.effects = effects;
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

    Iterable<List<Instance>> all() {
        return byService.values();
    }

    void started(Instance i) {
        byPid.put(i.pid, i);
    }

    /** The instance whose process this was, forgetting the pid; null for an adopted orphan. */
    Instance reaped(int pid) {
        return byPid.remove(pid);
    }

    boolean isOurs(int pid) {
        return byPid.containsKey(pid);
    }

    boolean hasProcess(String service) {
        for (Instance i : byService.get(service)) {
            if (i.state.hasProcess()) {
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
                if (!i.state.isFinal()) {
                    return false;
                }
            }
        }
        return true;
    }

    void forEachLive(Consumer<Instance> action) {
        for (List<Instance> list : byService.values()) {
            for (Instance i : list) {
                if (i.state.hasProcess()) {
                    action.accept(i);
                }
            }
        }
    }

    /**
     * Signals an instance's process (or its group, as its service says).
     *
     * @param stopping kinesin sends it to stop the instance: a death by it is no failure
     */
    void send(Instance i, Optional<Signal> signal, boolean stopping) {
        if (signal.isEmpty()) {
            return;
        }
        if (stopping) {
            i.stopSignals.add(signal.get());
        }
        if (log.enabled(Log.Level.DEBUG)) {
            log.debug("signal", "service", i.service.name(), "instance", i.index, "pid", i.pid, "signal", signal.get().sigName());
        }
        effects.signal(i.pid, signal.get(), i.service.forwarding().group());
    }
}
