package io.kinesin.kernel.supervise;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.SpawnException;
import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Signal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The supervisor's state and rules, without I/O: one state machine per instance (see
 * {@link State}), restarts with backoff and crash-loop limits, dependencies, the shutdown
 * (dependents first, each service with its own ladder, adopted orphans last) and kinesin's
 * exit status. Processes, signals and timers are reached through {@link Effects}.
 *
 * <p>Not thread-safe: the supervisor's loop is the only caller.
 */
public final class Supervision {

    /** Where the whole supervisor is in its life. */
    public enum Phase {
        /** Not started. */
        IDLE,
        /** Services run and restart. */
        RUNNING,
        /** Shutting down: the signal that asked for it was forwarded; the ladders follow. */
        FORWARDED,
        /** Shutting down: services are stopped tier by tier, each with its ladder. */
        STOPPING,
        /** Shutting down: adopted orphans get the global ladder. */
        ORPHANS,
        /** Finished: {@link #exitStatus()} is known. */
        DONE
    }

    private record End(String instance, int code, boolean excused, boolean counted) {
    }

    private final Plan plan;
    private final Effects effects;
    private final Clock clock;
    private final Log log;
    private final Map<String, List<Instance>> instances = new LinkedHashMap<>();
    private final Map<Integer, Instance> byPid = new HashMap<>();
    private final List<End> ends = new ArrayList<>();
    private final boolean anyEssential;

    private Phase phase = Phase.IDLE;
    private final List<List<String>> tiers;
    private int tier;
    /** Services of the current tier still stopping → their current ladder step. */
    private final Map<String, Integer> ladderStep = new LinkedHashMap<>();
    private int orphanStep;
    private int exitStatus = -1;
    private boolean starting;
    private boolean startAgain;

    public Supervision(Plan plan, Effects effects, Clock clock, Log log) {
        this.plan = plan;
        this.effects = effects;
        this.clock = clock;
        this.log = log;
        for (ServiceSpec s : plan.services()) {
            List<Instance> list = new ArrayList<>(s.replicas());
            for (int i = 0; i < s.replicas(); i++) {
                list.add(new Instance(s, i));
            }
            instances.put(s.name(), list);
        }
        this.anyEssential = plan.services().stream().anyMatch(ServiceSpec::essential);
        this.tiers = plan.stopOrder();
    }

    public Phase phase() {
        return phase;
    }

    public boolean finished() {
        return phase == Phase.DONE;
    }

    /** kinesin's exit status; valid once {@link #finished()}. */
    public int exitStatus() {
        if (phase != Phase.DONE) {
            throw new IllegalStateException("still " + phase);
        }
        return exitStatus;
    }

    public List<InstanceView> instances() {
        List<InstanceView> out = new ArrayList<>();
        instances.values().forEach(list -> list.forEach(i -> out.add(i.view())));
        return out;
    }

    /** Starts every service whose dependencies allow it. */
    public void start() {
        if (phase != Phase.IDLE) {
            throw new IllegalStateException("already started");
        }
        phase = Phase.RUNNING;
        startWhatCan();
        stopIfIdle();
    }

    // ---- events -------------------------------------------------------------------------------

    /** A child of kinesin died (reaped). */
    public void onDeath(int pid, ExitStatus status) {
        Instance i = byPid.remove(pid);
        if (i == null) {
            if (log.enabled(Log.Level.DEBUG)) {
                log.debug("reaped", "pid", pid, "status", status.toString());
            }
            if (phase == Phase.ORPHANS && liveOrphans().isEmpty()) {
                effects.cancel(new Timer.OrphanStep());
                finish();
            }
            return;
        }
        if (i.state.isFinal()) {
            return; // given up on at the end of its ladder; it died after all
        }
        died(i, status, false);
    }

    /** kinesin received a signal (not CHLD). */
    public void onSignal(Signal signal) {
        if (signal.equals(Signal.TERM) || signal.equals(Signal.INT)) {
            if (phase == Phase.RUNNING) {
                requestShutdown(signal);
            } else {
                skipStep();
            }
            return;
        }
        if (phase == Phase.IDLE || phase == Phase.DONE || !plan.forwarding().forwards(signal)) {
            return;
        }
        forEachLive(i -> send(i, i.service.forwarding().rewritten(signal), false));
    }

    public void onTimer(Timer timer) {
        switch (timer) {
            case Timer.Restart r -> {
                Instance i = instances.get(r.service()).get(r.instance());
                if (i.state == State.BACKOFF && phase == Phase.RUNNING) {
                    spawn(i);
                }
            }
            case Timer.StopStep s -> nextStep(s.service());
            case Timer.ShutdownLadders l -> {
                if (phase == Phase.FORWARDED) {
                    startLadders();
                }
            }
            case Timer.OrphanStep o -> {
                if (phase == Phase.ORPHANS) {
                    if (orphanStep + 1 < plan.ladder().steps()) {
                        orphanStep++;
                        signalOrphans();
                    } else {
                        log.warn("orphans still alive after the last ladder step", "pids", liveOrphans().toString());
                        finish();
                    }
                }
            }
        }
    }

    // ---- running ------------------------------------------------------------------------------

    private void startWhatCan() {
        if (starting) {
            startAgain = true;
            return;
        }
        starting = true;
        try {
            do {
                startAgain = false;
                for (ServiceSpec s : plan.services()) {
                    if (phase != Phase.RUNNING) {
                        return;
                    }
                    List<Instance> waiting = instances.get(s.name()).stream().filter(i -> i.state == State.STARTING).toList();
                    if (waiting.isEmpty()) {
                        continue;
                    }
                    Instance blocker = blocker(s);
                    if (blocker != null) {
                        for (Instance i : waiting) {
                            fail(i, "dependency " + blocker.name() + " failed", endCode(blocker), Log.Level.WARN);
                        }
                    } else if (dependenciesMet(s)) {
                        waiting.forEach(this::spawn);
                    }
                }
            } while (startAgain);
        } finally {
            starting = false;
        }
    }

    private boolean dependenciesMet(ServiceSpec s) {
        for (var dep : s.dependsOn().entrySet()) {
            for (Instance d : instances.get(dep.getKey())) {
                boolean met = switch (dep.getValue()) {
                    case STARTED -> d.everStarted;
                    case READY -> d.everReady;
                    case COMPLETED -> d.state == State.EXITED && d.failure == null && d.everStarted;
                };
                if (!met) {
                    return false;
                }
            }
        }
        return true;
    }

    /** An instance of a dependency that can never meet the condition, or null. */
    private Instance blocker(ServiceSpec s) {
        for (var dep : s.dependsOn().entrySet()) {
            for (Instance d : instances.get(dep.getKey())) {
                boolean never = switch (dep.getValue()) {
                    case STARTED -> d.state.isFinal() && !d.everStarted;
                    case READY -> d.state.isFinal() && !d.everReady;
                    case COMPLETED -> d.state == State.FAILED;
                };
                if (never) {
                    return d;
                }
            }
        }
        return null;
    }

    private void spawn(Instance i) {
        i.startedNanos = clock.nanos();
        i.startedAt = clock.now();
        try {
            i.pid = effects.spawn(i.service, i.index);
        } catch (SpawnException e) {
            log.error(e.getMessage(), "service", i.service.name(), "instance", i.index, "command", e.program(),
                    "error", io.kinesin.kernel.process.Errno.text(e.errno()), "errno", io.kinesin.kernel.process.Errno.name(e.errno()));
            died(i, ExitStatus.exited(e.exitCode()), true);
            return;
        }
        byPid.put(i.pid, i);
        i.state = State.RUNNING;
        i.everStarted = true;
        log.info("spawned", "service", i.service.name(), "instance", i.index, "pid", i.pid, "argv", i.service.command().display());
        // Readiness protocols are not there yet: an instance is ready once it runs.
        i.state = State.READY;
        i.everReady = true;
        startWhatCan();
    }

    private void died(Instance i, ExitStatus status, boolean neverRan) {
        long now = clock.nanos();
        Duration ran = Duration.ofNanos(now - i.startedNanos);
        i.lastExit = status;
        int code = plan.exitCodes().apply(status.code());
        if (!neverRan && log.enabled(Log.Level.INFO)) {
            log.info("exited", "service", i.service.name(), "instance", i.index, "pid", i.pid,
                    status instanceof ExitStatus.Killed k ? "signal" : "code",
                    status instanceof ExitStatus.Killed k ? k.signal().sigName() : status.code(), "runtime", ran);
        }
        if (phase != Phase.RUNNING) {
            boolean excused = status instanceof ExitStatus.Killed k && i.stopSignals.contains(k.signal());
            i.state = State.EXITED;
            record(i, code, excused);
            stopped(i);
            return;
        }
        boolean failed = code != 0;
        i.deaths.addLast(now);
        while (!i.deaths.isEmpty() && now - i.deaths.peekFirst() > i.service.crashLoop().within().toNanos()) {
            i.deaths.removeFirst();
        }
        if (!i.service.restart().restarts(failed)) {
            if (failed) {
                fail(i, neverRan ? "cannot execute" : "exited with " + status, code, Log.Level.INFO);
            } else {
                i.state = State.EXITED;
                record(i, code, false);
                ended(i);
            }
            return;
        }
        if (i.deaths.size() > i.service.crashLoop().deaths()) {
            fail(i, "crash loop: " + i.deaths.size() + " deaths within " + Durations.format(i.service.crashLoop().within()),
                    failed ? code : 1, Log.Level.WARN);
            return;
        }
        if (!neverRan && ran.compareTo(i.service.backoff().resetAfter()) >= 0) {
            i.attempt = 0;
        }
        Duration delay = i.service.backoff().delay(i.attempt);
        i.attempt++;
        i.restarts++;
        log.info("restarting", "service", i.service.name(), "instance", i.index, "attempt", i.attempt, "delay", delay);
        if (delay.isZero() && !neverRan) {
            spawn(i);
        } else {
            i.state = State.BACKOFF;
            effects.schedule(new Timer.Restart(i.service.name(), i.index), delay);
        }
    }

    /**
     * @param level INFO for a plain failing exit (routine, and the CLI modes stay quiet);
     *              WARN for a crash loop or a dependency that can never be met
     */
    private void fail(Instance i, String why, int code, Log.Level level) {
        i.state = State.FAILED;
        i.failure = why;
        log.log(level, "failed", "service", i.service.name(), "instance", i.index, "reason", why, "status", code);
        record(i, code, false);
        ended(i);
    }

    private void record(Instance i, int code, boolean excused) {
        ends.add(new End(i.name(), code, excused, i.service.essential() || !anyEssential));
    }

    /** An instance ended for good while running. */
    private void ended(Instance i) {
        if (phase != Phase.RUNNING) {
            return;
        }
        if (i.service.essential()) {
            beginShutdown(i.name() + " ended", null);
            return;
        }
        startWhatCan();
        stopIfIdle();
    }

    private void stopIfIdle() {
        if (phase == Phase.RUNNING && instances.values().stream().flatMap(List::stream).allMatch(i -> i.state.isFinal())) {
            beginShutdown("nothing left to run", null);
        }
    }

    private static int endCode(Instance i) {
        return i.lastExit == null ? 1 : Math.max(1, i.lastExit.code());
    }

    // ---- shutdown -----------------------------------------------------------------------------

    private void requestShutdown(Signal signal) {
        if (!plan.forwarding().forwards(signal)) {
            beginShutdown("received " + signal.sigName(), null);
        } else if (plan.forwarding().rewritten(signal).isPresent()) {
            beginShutdown("received " + signal.sigName(), signal);
        }
        // a rewrite to 0 drops it: no shutdown
    }

    /**
     * Stops everything. With {@code forward}, that signal first goes to every instance (as
     * each service rewrites it) and the ladders start after the global timeout.
     */
    private void beginShutdown(String reason, Signal forward) {
        if (phase != Phase.RUNNING) {
            return;
        }
        log.info("shutting down", "reason", reason);
        phase = forward == null ? Phase.STOPPING : Phase.FORWARDED;
        for (List<Instance> list : instances.values()) {
            for (Instance i : list) {
                if (i.state == State.STARTING || i.state == State.BACKOFF) {
                    effects.cancel(new Timer.Restart(i.service.name(), i.index));
                    i.state = State.EXITED;
                }
            }
        }
        if (forward != null && anyLive()) {
            forEachLive(i -> send(i, i.service.forwarding().rewritten(forward), true));
            effects.schedule(new Timer.ShutdownLadders(), plan.ladder().timeout());
        } else {
            startLadders();
        }
    }

    private void startLadders() {
        if (phase == Phase.FORWARDED) {
            effects.cancel(new Timer.ShutdownLadders());
        }
        phase = Phase.STOPPING;
        tier = -1;
        nextTier();
    }

    private void nextTier() {
        while (++tier < tiers.size()) {
            ladderStep.clear();
            for (String service : tiers.get(tier)) {
                if (hasProcess(service)) {
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
        for (Instance i : instances.get(service)) {
            if (i.state.hasProcess()) {
                i.state = State.STOPPING;
                send(i, Optional.of(signal), true);
            }
        }
        effects.schedule(new Timer.StopStep(service), spec.stop().timeout());
    }

    private void nextStep(String service) {
        Integer step = ladderStep.get(service);
        if (step == null || phase != Phase.STOPPING) {
            return;
        }
        Ladder ladder = plan.service(service).stop();
        if (step + 1 < ladder.steps()) {
            ladderStep.put(service, step + 1);
            sendStep(service, step + 1);
            return;
        }
        for (Instance i : instances.get(service)) {
            if (i.state.hasProcess()) {
                log.error("still alive after the last ladder step; leaving it", "service", service, "instance", i.index, "pid", i.pid);
                i.state = State.EXITED;
            }
        }
        ladderStep.remove(service);
        if (ladderStep.isEmpty()) {
            nextTier();
        }
    }

    /** A second TERM or INT while shutting down: on to the next ladder step now. */
    private void skipStep() {
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
    private void stopped(Instance i) {
        String service = i.service.name();
        if (hasProcess(service)) {
            return;
        }
        if (phase == Phase.FORWARDED) {
            if (!anyLive()) {
                startLadders();
            }
        } else if (phase == Phase.STOPPING && ladderStep.remove(service) != null) {
            effects.cancel(new Timer.StopStep(service));
            if (ladderStep.isEmpty()) {
                nextTier();
            }
        }
    }

    private void startOrphans() {
        phase = Phase.ORPHANS;
        orphanStep = 0;
        if (liveOrphans().isEmpty()) {
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
            Instance i = byPid.get(pid);
            if (i == null) {
                out.add(pid);
            }
        }
        return out;
    }

    private void finish() {
        phase = Phase.DONE;
        exitStatus = computeStatus();
        log.info("exiting", "status", exitStatus);
    }

    private int computeStatus() {
        if (plan.status() == Plan.StatusRule.ONLY_CHILD) {
            return ends.isEmpty() ? 1 : ends.getFirst().code();
        }
        for (End e : ends) {
            if (e.counted() && !e.excused() && e.code() != 0) {
                return e.code();
            }
        }
        return 0;
    }

    // ---- helpers ------------------------------------------------------------------------------

    private boolean anyLive() {
        for (String service : instances.keySet()) {
            if (hasProcess(service)) {
                return true;
            }
        }
        return false;
    }

    private boolean hasProcess(String service) {
        for (Instance i : instances.get(service)) {
            if (i.state.hasProcess()) {
                return true;
            }
        }
        return false;
    }

    private void forEachLive(java.util.function.Consumer<Instance> action) {
        for (List<Instance> list : instances.values()) {
            for (Instance i : list) {
                if (i.state.hasProcess()) {
                    action.accept(i);
                }
            }
        }
    }

    private void send(Instance i, Optional<Signal> signal, boolean stopping) {
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
