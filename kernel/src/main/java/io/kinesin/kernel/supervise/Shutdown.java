package io.kinesin.kernel.supervise;

import io.kinesin.kernel.log.Log;
import io.kinesin.spi.Signal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The shutdown: an optional forwarded signal first, then services stop tier by tier
 * (dependents before what they depend on), each with its own ladder, then adopted orphans
 * get the global ladder. A second TERM/INT skips to the next step. Supervisor thread only.
 */
final class Shutdown {

    private final Plan plan;
    private final Instances instances;
    private final Effects effects;
    private final Log log;
    private final List<List<String>> tiers;
    private final Runnable done;
    private Supervision.Phase phase = Supervision.Phase.STOPPING;
    private int tier = -1;
    /** Services of the current tier still stopping → their current ladder step. */
    private final Map<String, Integer> ladderStep = new LinkedHashMap<>();
    private int orphanStep;

    /** @param done called once, when the shutdown is over */
    Shutdown(Plan plan, List<List<String>> tiers, Instances instances, Effects effects, Log log, Runnable done) {
        this.plan = plan;
        this.tiers = tiers;
        this.instances = instances;
        this.effects = effects;
        this.log = log;
        this.done = done;
    }

    Supervision.Phase phase() {
        return phase;
    }

    /** Starts: with {@code forward}, that goes to every instance first and the ladders follow after the global timeout. */
    void begin(Signal forward) {
        if (forward != null && instances.anyLive()) {
            phase = Supervision.Phase.FORWARDED;
            instances.forEachLive(i -> instances.send(i, i.service.forwarding().rewritten(forward), true));
            effects.schedule(new Timer.ShutdownLadders(), plan.ladder().timeout());
        } else {
            startLadders();
        }
    }

    void onTimer(Timer timer) {
        switch (timer) {
            case Timer.ShutdownLadders l -> {
                if (phase == Supervision.Phase.FORWARDED) {
                    startLadders();
                }
            }
            case Timer.StopStep s -> nextStep(s.service());
            case Timer.OrphanStep o -> {
                if (phase == Supervision.Phase.ORPHANS) {
                    if (orphanStep + 1 < plan.ladder().steps()) {
                        orphanStep++;
                        signalOrphans();
                    } else {
                        log.warn("orphans still alive after the last ladder step", "pids", liveOrphans().toString());
                        finish();
                    }
                }
            }
            case Timer.Restart r -> {
            }
            case Timer.HoldStep h -> {
            }
            case Timer.ReadyTimeout r -> {
            }
            case Timer.Watchdog w -> {
            }
            case Timer.BreakStep b -> {
            }
        }
    }

    /** A second TERM or INT: on to the next ladder step now. */
    void skip() {
        switch (phase) {
            case FORWARDED -> startLadders();
            case STOPPING -> new ArrayList<>(ladderStep.keySet()).forEach(s -> {
                int step = ladderStep.get(s);
                if (step + 1 < plan.service(s).stop().steps()) {
                    ladderStep.put(s, step + 1);
                    sendStep(s, step + 1);
                }
            });
            case ORPHANS -> {
                if (orphanStep + 1 < plan.ladder().steps()) {
                    orphanStep++;
                    signalOrphans();
                }
            }
            default -> {
            }
        }
    }

    /** An instance died during the shutdown. */
    void stopped(Instance i) {
        String service = i.service.name();
        if (instances.hasProcess(service)) {
            return;
        }
        if (phase == Supervision.Phase.FORWARDED) {
            if (!instances.anyLive()) {
                startLadders();
            }
        } else if (phase == Supervision.Phase.STOPPING && ladderStep.remove(service) != null) {
            effects.cancel(new Timer.StopStep(service));
            if (ladderStep.isEmpty()) {
                nextTier();
            }
        }
    }

    /** A process kinesin did not start was reaped. */
    void orphanReaped() {
        if (phase == Supervision.Phase.ORPHANS && liveOrphans().isEmpty()) {
            effects.cancel(new Timer.OrphanStep());
            finish();
        }
    }

    private void startLadders() {
        if (phase == Supervision.Phase.FORWARDED) {
            effects.cancel(new Timer.ShutdownLadders());
        }
        phase = Supervision.Phase.STOPPING;
        tier = -1;
        nextTier();
    }

    private void nextTier() {
        while (++tier < tiers.size()) {
            ladderStep.clear();
            for (String service : tiers.get(tier)) {
                if (instances.hasProcess(service)) {
                    ladderStep.put(service, 0);
                }
            }
            if (!ladderStep.isEmpty()) {
                for (String service : ladderStep.keySet()) {
                    sendStep(service, 0);
                }
                return;
            }
        }
        startOrphans();
    }

    private void sendStep(String service, int step) {
        ServiceSpec spec = plan.service(service);
        Signal signal = spec.stop().step(step);
        for (Instance i : instances.of(service)) {
            if (i.state().hasProcess()) {
                instances.move(i, Step.STOP);
                instances.send(i, Optional.of(signal), true);
            }
        }
        effects.schedule(new Timer.StopStep(service), spec.stop().timeout());
    }

    private void nextStep(String service) {
        Integer step = ladderStep.get(service);
        if (step == null || phase != Supervision.Phase.STOPPING) {
            return;
        }
        Ladder ladder = plan.service(service).stop();
        if (step + 1 < ladder.steps()) {
            ladderStep.put(service, step + 1);
            sendStep(service, step + 1);
            return;
        }
        for (Instance i : instances.of(service)) {
            if (i.state().hasProcess()) {
                log.error("still alive after the last ladder step; leaving it", "service", service, "instance", i.index, "pid", i.pid);
                instances.move(i, Step.ABANDONED);
            }
        }
        ladderStep.remove(service);
        if (ladderStep.isEmpty()) {
            nextTier();
        }
    }

    private void startOrphans() {
        phase = Supervision.Phase.ORPHANS;
        orphanStep = 0;
        if (liveOrphans().isEmpty()) {
            finish();
        } else if (plan.escalation() == Plan.Escalation.FORWARD_ONLY) {
            // dumb-init's way: the child is gone, so kinesin is too; in a PID namespace the
            // kernel kills whatever is left when PID 1 exits
            Signal signal = plan.ladder().step(0);
            List<Integer> orphans = liveOrphans();
            log.info("signalling orphans and exiting", "signal", signal.sigName(), "pids", orphans.toString());
            for (int pid : orphans) {
                effects.signal(pid, signal, false);
            }
            finish();
        } else {
            signalOrphans();
        }
    }

    private void signalOrphans() {
        Signal signal = plan.ladder().step(orphanStep);
        List<Integer> orphans = liveOrphans();
        log.info("stopping orphans", "signal", signal.sigName(), "pids", orphans.toString());
        for (int pid : orphans) {
            effects.signal(pid, signal, false);
        }
        effects.schedule(new Timer.OrphanStep(), plan.ladder().timeout());
    }

    /** kinesin's children that it did not start (and has not given up on). */
    private List<Integer> liveOrphans() {
        List<Integer> out = new ArrayList<>();
        for (int pid : effects.children()) {
            if (!instances.isOurs(pid)) {
                out.add(pid);
            }
        }
        return out;
    }

    private void finish() {
        phase = Supervision.Phase.DONE;
        done.run();
    }
}
