package io.kinesin.kernel.supervise;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Errno;
import io.kinesin.kernel.process.Reaper;
import io.kinesin.kernel.process.SpawnException;
import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Signal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The supervisor's state and rules, without I/O: one state machine per instance (see
 * {@link State}), restarts with backoff and crash-loop limits, dependencies, what ends the
 * run, and kinesin's exit status; the shutdown itself is {@link Shutdown}. Processes,
 * signals and timers are reached through {@link Effects}.
 *
 * <p>The instance machine, by event:
 * <ul>
 * <li>start (dependencies met): STARTING → RUNNING, then → READY at once ({@code notify: none}) or
 *     when its readiness protocol says so ({@link Notice.Ready}); a dependency that can never be
 *     met: STARTING → FAILED;</li>
 * <li>broken: not ready within {@code ready.timeout}, no {@code WATCHDOG=1} within its period,
 *     or a failing {@code action: restart} check: RUNNING, READY → STOPPING (the service's stop
 *     ladder), and its death counts as a failure (restart policy, backoff, crash loop apply);</li>
 * <li>a failing {@code action: unready} check: READY → RUNNING, and back once it passes;</li>
 * <li>death while running: → BACKOFF (or straight to RUNNING with a zero delay) if the restart
 *     policy wants it and the crash-loop limit allows, → FAILED past the limit, else
 *     → EXITED (success) or FAILED (failure); an essential instance's final end starts the
 *     shutdown;</li>
 * <li>backoff over: BACKOFF → RUNNING;</li>
 * <li>shutdown: STARTING, BACKOFF → EXITED; RUNNING, READY → STOPPING → EXITED on death;</li>
 * <li>an operator's stop or restart ({@link Order}, carried out by {@link Orders}): RUNNING,
 *     READY → STOPPING → EXITED, then held down, or RELEASED → STARTING → RUNNING at once;
 *     start: EXITED, FAILED → STARTING → RUNNING. A held instance's death is no failure, is not
 *     counted for the exit status, ends nothing, and kinesin does not exit while one is held.</li>
 * </ul>
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
    private final Instances instances;
    private final Orders orders;
    private final List<List<String>> tiers;
    private final List<End> ends = new ArrayList<>();
    private final boolean anyEssential;
    private boolean started;
    private Shutdown shutdown;
    private int exitStatus = -1;
    private String exitReason;
    private boolean starting;
    private boolean startAgain;

    public Supervision(Plan plan, Effects effects, Clock clock, Log log) {
        this.plan = plan;
        this.effects = effects;
        this.clock = clock;
        this.log = log;
        this.instances = new Instances(plan, effects, clock, log);
        this.orders = new Orders(this, instances, effects, log);
        this.anyEssential = plan.services().stream().anyMatch(ServiceSpec::essential);
        this.tiers = plan.stopOrder();
    }

    /** Where the supervisor is in its life. */
    public Phase phase() {
        return shutdown != null ? shutdown.phase() : started ? Phase.RUNNING : Phase.IDLE;
    }

    public boolean finished() {
        return phase() == Phase.DONE;
    }

    /** kinesin's exit status; valid once {@link #finished()}. */
    public int exitStatus() {
        if (!finished()) {
            throw new IllegalStateException("still " + phase());
        }
        return exitStatus;
    }

    /**
     * Why kinesin is exiting, as on-exit hooks get it ({@code KINESIN_REASON}): {@code signal TERM},
     * {@code service web ended}, {@code every service ended}; valid once {@link #finished()}.
     */
    public String exitReason() {
        if (!finished()) {
            throw new IllegalStateException("still " + phase());
        }
        return exitReason == null ? "every service ended" : exitReason;
    }

    public List<InstanceView> instances() {
        List<InstanceView> out = new ArrayList<>();
        instances.all().forEach(list -> list.forEach(i -> out.add(i.view())));
        return out;
    }

    /** Starts every service whose dependencies allow it. */
    public void start() {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        startWhatCan();
        stopIfIdle();
    }

    // ---- events -------------------------------------------------------------------------------

    /**
     * Children of kinesin died (one reap's batch). Every pid of the batch is marked dead before
     * any rule runs: a shutdown started by the first death must not signal a pid reaped with it.
     *
     * @return the deaths of processes that are no instance's (adopted orphans, processes spawned
     *         for others), for the caller to route
     */
    public List<Reaper.Died> onDeaths(List<Reaper.Died> batch) {
        List<Instance> ours = new ArrayList<>(batch.size());
        List<Reaper.Died> others = new ArrayList<>(0);
        for (Reaper.Died d : batch) {
            Instance i = instances.reaped(d.pid());
            ours.add(i);
            if (i == null) {
                others.add(d);
            }
        }
        for (int k = 0; k < batch.size(); k++) {
            Instance i = ours.get(k);
            if (i != null && !i.state().isFinal()) { // final: given up on at the end of its ladder; it died after all
                died(i, batch.get(k).status(), false);
            }
        }
        for (Reaper.Died d : others) {
            if (log.enabled(Log.Level.DEBUG)) {
                log.debug("reaped", "pid", d.pid(), "status", d.status().toString());
            }
        }
        if (!others.isEmpty() && shutdown != null) {
            shutdown.orphanReaped();
        }
        return others;
    }

    /** kinesin received a signal (not CHLD). */
    public void onSignal(Signal signal) {
        if (signal.equals(Signal.TERM) || signal.equals(Signal.INT)) {
            if (plan.escalation() == Plan.Escalation.FORWARD_ONLY) {
                forwardOnly(signal);
            } else if (phase() == Phase.RUNNING) {
                requestShutdown(signal);
            } else if (shutdown != null) {
                shutdown.skip();
            }
            return;
        }
        Phase phase = phase();
        if (phase == Phase.IDLE || phase == Phase.DONE || !plan.forwarding().forwards(signal)) {
            return;
        }
        instances.forEachLive(i -> instances.send(i, i.service.forwarding().rewritten(signal), false));
    }

    /**
     * The {@code --} mode's TERM and INT (tini): sent on, every time, and kinesin waits for the
     * child for as long as it lives; the container runtime decides when to KILL. A signal the
     * forwarding does not cover (TERM, by default) sends the ladder's one step.
     */
    private void forwardOnly(Signal signal) {
        boolean forwarded = plan.forwarding().forwards(signal);
        Optional<Signal> sent = forwarded ? plan.forwarding().rewritten(signal) : Optional.of(plan.ladder().step(0));
        // a plain loop, no lambda: the AOT cache is trained on the --- mode, and linking a new
        // lambda here would cost the first TERM a few milliseconds
        for (List<Instance> list : instances.all()) {
            for (Instance i : list) {
                if (i.state().hasProcess()) {
                    instances.send(i, sent, !forwarded);
                }
            }
        }
    }

    /**
     * An operator's order ({@code kinesin restart|stop|start|signal}); {@code answer} is called
     * once, on this thread, when it has been carried out (after the stop ladder for stop and
     * restart), or at once when it cannot be.
     */
    public void order(Order order, Consumer<Order.Answer> answer) {
        if (phase() != Phase.RUNNING) {
            answer.accept(Order.Answer.of(1, phase() == Phase.IDLE ? "kinesin has not started its services yet"
                    : "kinesin is shutting down; nothing more is started or stopped"));
            return;
        }
        orders.apply(order, answer);
    }

    public void onTimer(Timer timer) {
        if (timer instanceof Timer.ReadyTimeout r) {
            Instance i = instances.of(r.service()).get(r.instance());
            if (i.state() == State.RUNNING && !i.saidReady && phase() == Phase.RUNNING) {
                broke(i, Lifecycle.Cause.READY_TIMEOUT, "not ready within " + Durations.format(i.service.readiness().timeout())
                        + " (notify: " + i.service.readiness().protocol().label() + ")");
            }
        } else if (timer instanceof Timer.Watchdog w) {
            Instance i = instances.of(w.service()).get(w.instance());
            if ((i.state() == State.RUNNING || i.state() == State.READY) && !i.watchdog.isZero() && phase() == Phase.RUNNING) {
                broke(i, Lifecycle.Cause.WATCHDOG, "no WATCHDOG=1 within " + Durations.format(i.watchdog));
            }
        } else if (timer instanceof Timer.BreakStep b) {
            nextBreakStep(instances.of(b.service()).get(b.instance()));
        } else if (timer instanceof Timer.HoldStep h) {
            if (shutdown == null) {
                orders.onTimer(instances.of(h.service()).get(h.instance()));
            }
        } else if (timer instanceof Timer.Restart r) {
            Instance i = instances.of(r.service()).get(r.instance());
            if (i.state() == State.BACKOFF && phase() == Phase.RUNNING) {
                spawn(i);
            }
        } else if (shutdown != null) {
            shutdown.onTimer(timer);
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
                    if (phase() != Phase.RUNNING) {
                        return;
                    }
                    List<Instance> waiting = instances.of(s.name()).stream().filter(i -> i.state() == State.STARTING).toList();
                    if (waiting.isEmpty()) {
                        continue;
                    }
                    Instance blocker = blocker(s);
                    if (blocker != null) {
                        for (Instance i : waiting) {
                            fail(i, "dependency " + blocker.name() + " failed", endCode(blocker), Log.Level.WARN);
                            ended(i);
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
            for (Instance d : instances.of(dep.getKey())) {
                boolean met = switch (dep.getValue()) {
                    case STARTED -> d.everStarted;
                    case READY -> d.everReady;
                    case COMPLETED -> d.state() == State.EXITED && d.failure == null && d.everStarted;
                };
                if (!met) {
                    return false;
                }
            }
        }
        return true;
    }

    /** An instance of a dependency that can never meet the condition, or null; a held one may still be started. */
    private Instance blocker(ServiceSpec s) {
        for (var dep : s.dependsOn().entrySet()) {
            for (Instance d : instances.of(dep.getKey())) {
                if (d.held) {
                    continue;
                }
                boolean never = switch (dep.getValue()) {
                    case STARTED -> d.state().isFinal() && !d.everStarted;
                    case READY -> d.state().isFinal() && !d.everReady;
                    case COMPLETED -> d.state() == State.FAILED;
                };
                if (never) {
                    return d;
                }
            }
        }
        return null;
    }

    /** {@link Orders}: spawn this instance now. */
    void spawnNow(Instance i) {
        spawn(i);
    }

    /** {@link Orders}: an instance was released; start it if its dependencies allow. */
    void startWhatCanNow() {
        startWhatCan();
    }

    /** {@link Orders}: an instance an operator stopped or restarted died. */
    void publishDied(Instance i, ExitStatus status, boolean willRestart) {
        boolean stoppedByUs = status instanceof ExitStatus.Killed k && i.stopSignals.contains(k.signal());
        published(i, status, stoppedByUs, false, willRestart);
    }

    private void spawn(Instance i) {
        i.startedNanos = clock.nanos();
        i.startedAt = clock.now();
        Ticket ticket = new Ticket(i.service.name(), i.index);
        try {
            i.pid = effects.spawn(i.service, i.index, ticket);
        } catch (SpawnException e) {
            log.error(e.getMessage(), "service", i.service.name(), "instance", i.index, "command", e.program(),
                    "error", Errno.text(e.errno()), "errno", Errno.name(e.errno()));
            died(i, ExitStatus.exited(e.exitCode()), true);
            return;
        }
        ticket.pid(i.pid);
        i.ticket = ticket;
        i.saidReady = false;
        i.notifyStatus = null;
        i.stopSignals.clear();
        i.deferred.clear();
        i.launchError = null;
        i.readyBeforePid = false;
        for (Instance.CheckState c : i.checks) {
            c.reset();
        }
        if (i.pid != 0) {
            instances.started(i);
        } else {
            i.reaped = false;
        }
        instances.move(i, Step.SPAWNED);
        i.everStarted = true;
        if (i.pid != 0) {
            log.info("spawned", "service", i.service.name(), "instance", i.index, "pid", i.pid, "argv", i.service.command().display());
        } else {
            log.info("launching", "service", i.service.name(), "instance", i.index, "launcher", i.service.launch().type());
        }
        Readiness readiness = i.service.readiness();
        i.watchdog = readiness.watchdog();
        if (!i.watchdog.isZero()) {
            effects.schedule(new Timer.Watchdog(i.service.name(), i.index), i.watchdog);
        }
        if (readiness.protocol() == Readiness.Protocol.NONE) {
            if (i.pid != 0) {
                ready(i); // a launched one is ready once its pid is known (onLaunched)
            }
        } else if (!readiness.timeout().isZero()) {
            effects.schedule(new Timer.ReadyTimeout(i.service.name(), i.index), readiness.timeout());
        }
        startWhatCan();
    }

    /**
     * A launcher's start of an instance ended: its process has {@code pid}, or it could not be
     * started ({@code error}), which counts as a start that failed, as a program that cannot be
     * executed does.
     *
     * @param dead its process has died already (reaped before the pid came): the caller delivers
     *             the death next, so the signals held for it are dropped and it is not ready
     * @return whether the instance still waited for it; if not, the caller owns the process
     */
    public boolean onLaunched(Ticket ticket, int pid, String error, boolean dead) {
        List<Instance> of = instances.of(ticket.service);
        Instance i = of == null || ticket.instance >= of.size() ? null : of.get(ticket.instance);
        if (i == null || i.ticket != ticket || i.pid != 0 || !i.state().hasProcess()) {
            return false;
        }
        if (error != null) {
            log.error("cannot launch", "service", i.service.name(), "instance", i.index, "launcher", i.service.launch().type(),
                    "error", error);
            i.launchError = error;
            died(i, ExitStatus.exited(LAUNCH_FAILED), true);
            return true;
        }
        i.pid = pid;
        ticket.pid(pid);
        instances.started(i);
        log.info("spawned", "service", i.service.name(), "instance", i.index, "pid", pid, "launcher", i.service.launch().type(),
                "after", Duration.ofNanos(clock.nanos() - i.startedNanos));
        if (dead) {
            i.deferred.clear();
            return true;
        }
        for (Instance.Deferred d : i.deferred) {
            effects.signal(pid, d.signal(), d.group());
        }
        i.deferred.clear();
        if (i.service.readiness().protocol() == Readiness.Protocol.NONE || i.readyBeforePid) {
            ready(i);
        }
        return true;
    }

    /** Whether {@code pid} is the process of an instance (a launcher must not report one as a new instance's). */
    public boolean isInstancePid(int pid) {
        return instances.isOurs(pid);
    }

    /** The exit status of a start a launcher could not make: as a shell's for a command it cannot execute. */
    static final int LAUNCH_FAILED = 127;

    // ---- readiness and health ---------------------------------------------------------------

    /** The instance a ticket speaks for, if the process it was issued to still runs; else null. */
    private Instance current(Ticket t) {
        List<Instance> of = instances.of(t.service);
        if (of == null || t.instance >= of.size()) {
            return null;
        }
        Instance i = of.get(t.instance);
        return i.ticket == t && !i.reaped && i.state().hasProcess() ? i : null;
    }

    /** What an instance's process said through its readiness channel. */
    public void onNotice(Ticket ticket, Notice notice) {
        Instance i = current(ticket);
        if (i == null) {
            return; // from a process that has died since: too late to matter
        }
        // instanceof, not a pattern switch: that links an invokedynamic bootstrap the first time,
        // which would be the first READY=1's latency
        if (notice instanceof Notice.Ready) {
            if (i.pid == 0) {
                i.readyBeforePid = true; // a log pattern seen before the launcher reported the pid: ready once it has
            } else {
                ready(i);
            }
        } else if (notice instanceof Notice.Status s) {
            i.notifyStatus = s.text();
            log.info("status", "service", i.service.name(), "instance", i.index, "pid", i.pid, "status", s.text());
        } else if (notice instanceof Notice.Stopping) {
            log.info("stopping by itself", "service", i.service.name(), "instance", i.index, "pid", i.pid);
        } else if (notice instanceof Notice.WatchdogPing) {
            if (!i.watchdog.isZero() && i.state() != State.STOPPING) {
                effects.schedule(new Timer.Watchdog(i.service.name(), i.index), i.watchdog);
            }
        } else if (notice instanceof Notice.WatchdogUsec u) {
            i.watchdog = Duration.ofNanos(Math.multiplyExact(u.micros(), 1000L));
            log.info("watchdog", "service", i.service.name(), "instance", i.index, "period", i.watchdog);
            if (i.watchdog.isZero()) {
                effects.cancel(new Timer.Watchdog(i.service.name(), i.index));
            } else if (i.state() != State.STOPPING) {
                effects.schedule(new Timer.Watchdog(i.service.name(), i.index), i.watchdog);
            }
        }
    }

    /** Its process said it is ready: it is, unless an {@code unready} check fails. */
    private void ready(Instance i) {
        if (i.saidReady) {
            return;
        }
        i.saidReady = true;
        effects.cancel(new Timer.ReadyTimeout(i.service.name(), i.index));
        if (i.service.readiness().protocol() != Readiness.Protocol.NONE) {
            log.info("ready", "service", i.service.name(), "instance", i.index, "pid", i.pid,
                    "after", Duration.ofNanos(clock.nanos() - i.startedNanos));
        }
        readyIfPassing(i);
    }

    private void readyIfPassing(Instance i) {
        if (!i.saidReady || i.state() != State.RUNNING) {
            return;
        }
        for (int k = 0; k < i.checks.length; k++) {
            if (i.service.health().get(k).action() == HealthSpec.Action.UNREADY && i.checks[k].passing == Boolean.FALSE) {
                return;
            }
        }
        instances.move(i, Step.BECAME_READY);
        i.everReady = true;
        orders.ready(i);
        startWhatCan();
    }

    /**
     * A health check of an instance's process ended. {@code failures} consecutive failures make
     * it failing (its action follows); {@code successes} consecutive passes make it pass again;
     * the first pass makes a {@code notify: health} instance ready, and until then its failures
     * have no consequence (Kubernetes' startup probe: {@code ready.timeout} bounds the start).
     */
    public void onChecked(Ticket ticket, int check, Event.Checked.Outcome outcome, String detail) {
        Instance i = current(ticket);
        if (i == null || check < 0 || check >= i.checks.length) {
            return;
        }
        HealthSpec spec = i.service.health().get(check);
        Instance.CheckState c = i.checks[check];
        c.lastResult = detail;
        c.lastAt = clock.now();
        if (outcome == Event.Checked.Outcome.PASS) {
            c.successes++;
            c.failures = 0;
            if (i.service.readiness().protocol() == Readiness.Protocol.HEALTH) {
                ready(i);
            }
            if (c.passing == null || !c.passing && c.successes >= spec.successes()) {
                boolean wasFailing = c.passing != null;
                c.passing = true;
                if (wasFailing) {
                    log.info("health check passes again", "service", i.service.name(), "instance", i.index, "check", spec.type(),
                            "result", detail);
                    readyIfPassing(i);
                }
            }
            return;
        }
        c.failures++;
        c.successes = 0;
        if (i.service.readiness().protocol() == Readiness.Protocol.HEALTH && !i.saidReady) {
            return; // a startup probe: until the first pass only ready.timeout bounds it, as in Kubernetes
        }
        if (c.failures < spec.failures() || c.passing == Boolean.FALSE) {
            return;
        }
        c.passing = false;
        log.warn("health check failing", "service", i.service.name(), "instance", i.index, "pid", i.pid, "check", spec.type(),
                "result", detail, "failures", c.failures, "action", spec.action().label());
        if (phase() != Phase.RUNNING) {
            return;
        }
        if (spec.action() == HealthSpec.Action.RESTART) {
            if (i.state() == State.RUNNING || i.state() == State.READY) {
                broke(i, Lifecycle.Cause.HEALTH, "health check " + spec.type() + " failed " + c.failures + " times: " + detail);
            }
        } else if (i.state() == State.READY) {
            instances.move(i, Step.UNREADY);
        }
    }

    /** kinesin gives up on an instance's process: its stop ladder, and its death is a failure. */
    private void broke(Instance i, Lifecycle.Cause cause, String why) {
        log.warn("broken; stopping it", "service", i.service.name(), "instance", i.index, "pid", i.pid, "reason", why);
        effects.cancel(new Timer.ReadyTimeout(i.service.name(), i.index));
        effects.cancel(new Timer.Watchdog(i.service.name(), i.index));
        i.broken = cause;
        i.brokenWhy = why;
        i.brokenStep = 0;
        instances.move(i, Step.STOP);
        sendBreakStep(i);
    }

    private void sendBreakStep(Instance i) {
        instances.sendLadderStep(i, i.brokenStep, new Timer.BreakStep(i.service.name(), i.index));
    }

    private void nextBreakStep(Instance i) {
        if (i.broken == null || i.state() != State.STOPPING || shutdown != null) {
            return;
        }
        if (i.brokenStep + 1 < i.service.stop().steps()) {
            i.brokenStep++;
            sendBreakStep(i);
            return;
        }
        log.error("still alive after the last ladder step; leaving it", "service", i.service.name(), "instance", i.index, "pid", i.pid);
        instances.move(i, Step.ABANDONED);
        i.failure = i.brokenWhy + "; could not stop pid " + i.pid;
        i.broken = null;
        record(i, 1, false);
        ended(i);
    }

    private void died(Instance i, ExitStatus status, boolean neverRan) {
        long now = clock.nanos();
        Duration ran = Duration.ofNanos(now - i.startedNanos);
        i.lastExit = status;
        i.lastExitAt = clock.now();
        Lifecycle.Cause broken = i.broken;
        i.broken = null;
        effects.cancel(new Timer.ReadyTimeout(i.service.name(), i.index));
        effects.cancel(new Timer.Watchdog(i.service.name(), i.index));
        effects.cancel(new Timer.BreakStep(i.service.name(), i.index));
        int code = plan.exitCodes().apply(status.code());
        boolean stoppedByUs = broken == null && status instanceof ExitStatus.Killed k && i.stopSignals.contains(k.signal());
        if (!neverRan && log.enabled(Log.Level.INFO)) {
            log.info("exited", "service", i.service.name(), "instance", i.index, "pid", i.pid,
                    status instanceof ExitStatus.Killed k ? "signal" : "code",
                    status instanceof ExitStatus.Killed k ? k.signal().sigName() : status.code(), "runtime", ran);
        }
        if (shutdown == null && i.underway != null) {
            orders.died(i, status);
            return;
        }
        if (shutdown == null && i.rolling != null) {
            orders.diedBeforeReady(i, status);
        }
        if (shutdown != null) {
            instances.move(i, Step.ENDED);
            published(i, status, stoppedByUs || broken != null, neverRan, false);
            // a launcher's start that failed during the shutdown never ran: as a start the shutdown cancelled
            record(i, code, stoppedByUs || broken != null || neverRan);
            shutdown.stopped(i);
            return;
        }
        boolean failed = code != 0 || broken != null;
        if (broken != null) {
            code = code != 0 ? code : 1;
        }
        i.deaths.addLast(now);
        while (!i.deaths.isEmpty() && now - i.deaths.peekFirst() > i.service.crashLoop().within().toNanos()) {
            i.deaths.removeFirst();
        }
        if (!i.service.restart().restarts(failed)) {
            if (failed) {
                fail(i, broken != null ? i.brokenWhy : neverRan ? (i.launchError != null ? "cannot launch: " + i.launchError : "cannot execute")
                        : status instanceof ExitStatus.Killed ? status.toString() : "exited with " + status, code,
                        broken != null ? Log.Level.WARN : Log.Level.INFO);
            } else {
                instances.move(i, Step.ENDED);
                record(i, code, false);
            }
            published(i, status, stoppedByUs, neverRan, false, broken);
            ended(i);
            return;
        }
        if (i.deaths.size() > i.service.crashLoop().deaths()) {
            fail(i, "crash loop: " + i.deaths.size() + " deaths within " + Durations.format(i.service.crashLoop().within())
                    + (broken != null ? " (the last: " + i.brokenWhy + ")" : ""), failed ? code : 1, Log.Level.WARN);
            published(i, status, stoppedByUs, neverRan, false, broken);
            ended(i);
            return;
        }
        if (!neverRan && ran.compareTo(i.service.backoff().resetAfter()) >= 0) {
            i.attempt = 0;
        }
        Duration delay = i.service.backoff().delay(i.attempt);
        i.attempt++;
        i.restarts++;
        log.info("restarting", "service", i.service.name(), "instance", i.index, "attempt", i.attempt, "delay", delay);
        instances.move(i, Step.BACK_OFF);
        published(i, status, stoppedByUs, neverRan, true, broken);
        if (delay.isZero() && !neverRan) {
            spawn(i);
        } else {
            // after a failed spawn even a zero delay goes through the timer: a missing program
            // must not spin the loop without letting signals in
            effects.schedule(new Timer.Restart(i.service.name(), i.index), delay);
        }
    }

    private void published(Instance i, ExitStatus status, boolean stoppedByUs, boolean neverRan, boolean willRestart) {
        published(i, status, stoppedByUs, neverRan, willRestart, null);
    }

    /** @param broken why kinesin stopped it (readiness, watchdog, health), or null */
    private void published(Instance i, ExitStatus status, boolean stoppedByUs, boolean neverRan, boolean willRestart,
                           Lifecycle.Cause broken) {
        Lifecycle.Cause cause = broken != null ? broken : stoppedByUs ? Lifecycle.Cause.STOPPED
                : status instanceof ExitStatus.Killed ? Lifecycle.Cause.SIGNAL : Lifecycle.Cause.EXIT;
        effects.publish(new Lifecycle.Died(i.service.name(), i.index, neverRan ? 0 : i.pid, status, cause, i.deaths.size(),
                willRestart, i.state(), clock.now()));
    }

    /**
     * Marks an instance FAILED for good; the caller then calls {@link #ended}.
     *
     * @param level INFO for a plain failing exit (routine, and the CLI modes stay quiet);
     *              WARN for a crash loop or a dependency that can never be met
     */
    private void fail(Instance i, String why, int code, Log.Level level) {
        instances.move(i, Step.FAILED);
        i.failure = why;
        log.log(level, "failed", "service", i.service.name(), "instance", i.index, "reason", why, "status", code);
        record(i, code, false);
    }

    private void record(Instance i, int code, boolean excused) {
        ends.add(new End(i.name(), code, excused, i.service.essential() || !anyEssential));
    }

    /** An instance ended for good while running. */
    private void ended(Instance i) {
        if (phase() != Phase.RUNNING) {
            return;
        }
        if (i.service.essential()) {
            beginShutdown(i.name() + " ended", "service " + i.name() + " ended", null);
            return;
        }
        startWhatCan();
        stopIfIdle();
    }

    private void stopIfIdle() {
        if (phase() == Phase.RUNNING && instances.allFinal() && !instances.anyHeld()) {
            beginShutdown("nothing left to run", "every service ended", null);
        }
    }

    private static int endCode(Instance i) {
        return i.lastExit == null ? 1 : Math.max(1, i.lastExit.code());
    }

    // ---- shutdown -----------------------------------------------------------------------------

    private void requestShutdown(Signal signal) {
        if (!plan.forwarding().forwards(signal)) {
            beginShutdown("received " + signal.sigName(), "signal ".concat(signal.name()), null);
        } else if (plan.forwarding().rewritten(signal).isPresent()) {
            beginShutdown("received " + signal.sigName(), "signal ".concat(signal.name()), signal);
        }
        // a rewrite to 0 drops it: no shutdown
    }

    /**
     * @param reason     for kinesin's log ({@code received SIGTERM})
     * @param exitReason for on-exit hooks ({@code signal TERM}, {@code service web ended})
     */
    private void beginShutdown(String reason, String exitReason, Signal forward) {
        if (shutdown != null) {
            return;
        }
        this.exitReason = exitReason;
        log.info("shutting down", "reason", reason);
        for (List<Instance> list : instances.all()) {
            for (Instance i : list) {
                if (i.state() == State.BACKOFF) {
                    effects.cancel(new Timer.Restart(i.service.name(), i.index));
                }
                effects.cancel(new Timer.ReadyTimeout(i.service.name(), i.index));
                effects.cancel(new Timer.Watchdog(i.service.name(), i.index));
                effects.cancel(new Timer.BreakStep(i.service.name(), i.index));
                if (i.underway != null) {
                    effects.cancel(new Timer.HoldStep(i.service.name(), i.index));
                    orders.overtaken(i);
                }
                orders.rollOvertaken(i);
                if (Step.CANCELLED.allowedFrom(i.state())) {
                    instances.move(i, Step.CANCELLED);
                }
            }
        }
        shutdown = new Shutdown(plan, tiers, instances, effects, log, this::finish);
        shutdown.begin(forward);
    }

    private void finish() {
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
}
