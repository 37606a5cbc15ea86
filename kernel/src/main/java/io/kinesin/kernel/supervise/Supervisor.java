package io.kinesin.kernel.supervise;

import io.kinesin.kernel.health.HealthChecks;
import io.kinesin.kernel.hooks.Hooks;
import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.logbus.LineWatch;
import io.kinesin.kernel.metrics.Counters;
import io.kinesin.kernel.ready.Channel;
import io.kinesin.kernel.ready.PatternWatch;
import io.kinesin.kernel.ready.ReadyChannels;
import io.kinesin.kernel.ready.WatchdogPid;
import io.kinesin.kernel.logbus.LogBus;
import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.NativeException;
import io.kinesin.kernel.process.ProcSelf;
import io.kinesin.kernel.process.Processes;
import io.kinesin.kernel.process.Reaper;
import io.kinesin.kernel.process.SignalCatcher;
import io.kinesin.kernel.process.SpawnException;
import io.kinesin.kernel.process.SpawnSpec;
import io.kinesin.kernel.process.Spawner;
import io.kinesin.kernel.process.Terminal;
import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Launcher;
import io.kinesin.spi.Signal;
import io.kinesin.spi.Stream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The supervisor's loop: one thread that owns {@link Supervision} and does its I/O. Other
 * threads only post {@link Event}s to its queue: signal handlers, the control socket, and
 * later readiness and health. SIGCHLD wakes it to reap, and so does a tick every {@link #REAP_TICK} in case a
 * SIGCHLD was lost (tini's one-second {@code sigtimedwait} is the model). Timers are deadlines
 * it waits for. Spawning, reaping and signalling all happen on this thread, so no pid is
 * signalled after it has been reaped. After each iteration that changed something it
 * publishes an immutable {@link Status}.
 */
public final class Supervisor implements Effects {

    /**
     * The longest the loop goes without reaping. The JVM starts a thread for each signal
     * delivery; when it cannot (pids.max, memory), that SIGCHLD is lost, and this bounds how
     * long a death goes unnoticed.
     */
    public static final Duration REAP_TICK = Duration.ofSeconds(1);
    /** How long kinesin waits, once everything has ended, for pipes still holding children's output. */
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(1);
    /** How long the exit status of a pid nobody has claimed is kept for a late {@link Event.Claim}. */
    private static final Duration UNCLAIMED_KEPT = Duration.ofMinutes(2);
    private static final int UNCLAIMED_MAX = 1024;

    /** Where the loop's signals come from: the JVM's handlers, or a test's own source. */
    @FunctionalInterface
    public interface SignalSource {
        /** Routes each of {@code signals} to {@code sink} from now on. */
        void install(List<Signal> signals, Consumer<Signal> sink);
    }

    /** Sends a signal: {@link Processes#kill}, or a test's own. */
    @FunctionalInterface
    interface Kill {
        boolean send(int pid, Signal signal, boolean group);
    }

    private record Unclaimed(ExitStatus status, long at) {
    }

    private final Log log;
    private final LogBus bus;
    private final Duration logFlush;
    private final Spawner spawner = new Spawner();
    private final Reaper reaper;
    private final Optional<JobControl> jobControl;
    private final SignalSource signals;
    private final Kill kill;
    private final LinkedBlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicBoolean childPending = new AtomicBoolean();
    private final Map<Timer, Long> timers = new HashMap<>();
    private final Map<Integer, Consumer<ExitStatus>> claimed = new HashMap<>();
    private final LinkedHashMap<Integer, Unclaimed> unclaimed = new LinkedHashMap<>();
    private final Listeners listeners;
    private final Supervision supervision;
    private final ReadyChannels readiness;
    private Hooks hooks;
    private final HealthChecks health;
    /** The ticket of each instance's process, by pid, for its readiness channel and checks. */
    private final Map<Integer, Ticket> tickets = new HashMap<>();
    /** Each service's launcher, for services a plugin's launcher starts. */
    private Map<String, Launcher> launchers = Map.of();
    /** Launchers' starts in flight, by ticket. */
    private final Map<Ticket, Launch> launches = new HashMap<>();
    private volatile Status status;
    private long lastReap;
    private boolean exitPathLinked;

    /**
     * @param bus      where children's output goes when a service sends it to sinks; null when none does
     * @param logFlush how long the bus's sinks get to deliver what they hold when kinesin exits
     *                 ({@code kinesin.shutdown.flush})
     * @param terminal the controlling terminal to hand the one child of the {@code --} mode, if any
     */
    public Supervisor(Plan plan, Log log, LogBus bus, Duration logFlush, Optional<Terminal> terminal) {
        this(plan, log, bus, logFlush, terminal, Map.of(), null);
    }

    /**
     * @param checks  each service's health checks (the plugins' check objects), in config order
     * @param metrics where the checks' results are counted; null when there are no checks
     */
    public Supervisor(Plan plan, Log log, LogBus bus, Duration logFlush, Optional<Terminal> terminal,
                      Map<String, List<HealthChecks.Entry>> checks, Counters metrics) {
        this(plan, log, bus, logFlush, terminal, SignalCatcher::install, Processes::kill, checks, metrics);
    }

    Supervisor(Plan plan, Log log, LogBus bus, Optional<Terminal> terminal, SignalSource signals, Kill kill) {
        this(plan, log, bus, LogBus.DEFAULT_FLUSH, terminal, signals, kill);
    }

    Supervisor(Plan plan, Log log, LogBus bus, Duration logFlush, Optional<Terminal> terminal, SignalSource signals, Kill kill) {
        this(plan, log, bus, logFlush, terminal, signals, kill, Map.of(), null);
    }

    Supervisor(Plan plan, Log log, LogBus bus, Duration logFlush, Optional<Terminal> terminal, SignalSource signals, Kill kill,
               Map<String, List<HealthChecks.Entry>> checks, Counters metrics) {
        this.log = log;
        this.readiness = new ReadyChannels(log, (ticket, notice) -> post(new Event.Noticed(ticket, notice)));
        this.health = checks.isEmpty() ? null : new HealthChecks(checks, this::post, log, metrics);
        this.bus = bus;
        this.logFlush = logFlush;
        this.signals = signals;
        this.kill = kill;
        this.jobControl = terminal.map(t -> new JobControl(t, log));
        this.reaper = new Reaper(jobControl.isPresent());
        this.listeners = new Listeners(log, Listeners.CAPACITY);
        this.supervision = new Supervision(plan, this, Clock.SYSTEM, log);
        this.status = new Status(Supervision.Phase.IDLE, Instant.now(), supervision.instances());
    }

    /** The config's hooks: they hear of deaths from now on, and the on-exit ones run before kinesin exits. */
    public void hooks(Hooks hooks) {
        this.hooks = hooks;
        if (hooks.any()) {
            listen(hooks);
        }
    }

    /** The launchers of services that a plugin's launcher starts, by service. */
    public void launchers(Map<String, Launcher> launchers) {
        this.launchers = Map.copyOf(launchers);
    }

    /** Adds a listener for every lifecycle record from now on (called on its own thread). */
    public void listen(LifecycleListener listener) {
        listeners.add(listener);
    }

    /** The latest snapshot; any thread. */
    public Status status() {
        return status;
    }

    /** How many processes the loop has reaped (children and adopted orphans); any thread. */
    public long reaped() {
        return reaper.reaped();
    }

    /** Posts an event to the loop; any thread, never blocks. */
    public void post(Event event) {
        events.add(event);
    }

    /**
     * Runs until everything has ended (see {@link Supervision}); returns kinesin's exit status.
     * Catches the given signals (CHLD is always caught).
     */
    public int run(List<Signal> caught) {
        List<Signal> all = new ArrayList<>(caught);
        if (!all.contains(Signal.CHLD)) {
            all.add(Signal.CHLD);
        }
        signals.install(all, this::received);
        if (Processes.pid() != 1) {
            Processes.becomeSubreaper();
        }
        reap(); // anything that ended before SIGCHLD was caught (and waitpid is linked from here on)
        supervision.start();
        publishStatus();
        while (!supervision.finished()) {
            step(Long.MAX_VALUE);
        }
        if (hooks != null && hooks.any()) {
            finishHooks();
        }
        for (Event e; (e = events.poll()) != null; ) {
            if (e instanceof Event.SpawnFor f) { // asked for after the end: nobody will spawn it
                f.started().completeExceptionally(new IllegalStateException("kinesin has ended; nothing more is started"));
            }
        }
        closeLaunchers();
        readiness.close();
        if (health != null) {
            health.close();
        }
        if (hooks != null) {
            hooks.close();
        }
        if (bus != null) {
            bus.close(OUTPUT_DRAIN, logFlush); // every line the children wrote, before kinesin exits
        }
        return supervision.exitStatus();
    }

    /** One turn of the loop: the next event (waiting at most until a timer, a reap tick or {@code maxWait}), reaping, timers. */
    private void step(long maxWait) {
        Event event;
        try {
            long wait = Math.min(maxWait, Math.min(untilNextTimer(), Math.max(0, lastReap + REAP_TICK.toNanos() - System.nanoTime())));
            event = events.poll(wait, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("supervisor loop interrupted", e);
        }
        try {
            if (event != null) {
                handle(event);
            }
            if (System.nanoTime() - lastReap >= REAP_TICK.toNanos()) {
                reap();
            }
            fireDueTimers();
        } catch (RuntimeException | Error e) {
            // PID 1 must not die of its own bug with children still running: report and go on
            log.error("internal error; kinesin carries on", "error", e.toString(), "at", String.valueOf(firstFrame(e)));
        }
        publishStatus();
    }

    /**
     * Once the services are gone and before the sinks close: the hooks of the last deaths (the
     * one that made an instance FAILED, say) finish, then the on-exit hooks run. The loop goes
     * on meanwhile (an exec hook's process is spawned, reaped and killed at its timeout through
     * it), at most the hooks' longest timeout and a grace for each of the two; what is still
     * running then is killed with its process group.
     */
    private void finishHooks() {
        long deadline = System.nanoTime() + hooks.deathBudget().toNanos();
        while (!(listeners.caughtUp() && hooks.idle()) && System.nanoTime() - deadline < 0) {
            step(Math.min(TimeUnit.MILLISECONDS.toNanos(10), Math.max(0, deadline - System.nanoTime())));
        }
        if (!hooks.exitBudget().isZero()) {
            deadline = System.nanoTime() + hooks.exitBudget().toNanos();
            log.info("on-exit hooks", "status", supervision.exitStatus(), "reason", supervision.exitReason());
            java.util.concurrent.CompletableFuture<Void> done = hooks.exit(supervision.exitStatus(), supervision.exitReason());
            done.whenComplete((v, e) -> events.add(Event.ChildChanged.INSTANCE)); // wake the loop
            while (!done.isDone() && System.nanoTime() - deadline < 0) {
                step(Math.max(0, deadline - System.nanoTime()));
            }
        }
        for (int pid : new ArrayList<>(claimed.keySet())) {
            signal(pid, Signal.KILL, true); // a hook's process past its budget, and its group
        }
        reap();
    }

    private void publishStatus() {
        status = new Status(supervision.phase(), Instant.now(), supervision.instances());
    }

    /**
     * instanceof rather than a pattern switch: a switch over a sealed type links through an
     * invokedynamic bootstrap the first time it runs, which is the first signal's latency.
     */
    private void handle(Event event) {
        if (event instanceof Event.ChildChanged) {
            childPending.set(false);
            reap();
        } else if (event instanceof Event.Received r) {
            if (r.signal().equals(Signal.CONT)) {
                jobControl.ifPresent(JobControl::continued);
            }
            if (r.signal().equals(Signal.HUP) && bus != null) {
                bus.reopen(); // sinks reopen their files on their own threads; HUP is still forwarded
            }
            supervision.onSignal(r.signal());
        } else if (event instanceof Event.SpawnFor f) {
            spawnFor(f);
        } else if (event instanceof Event.Launched l) {
            launched(l);
        } else if (event instanceof Event.Reloaded r) {
            r.then().accept(r.error());
        } else if (event instanceof Event.Claim c) {
            claim(c.pid(), c.exited());
        } else if (event instanceof Event.SignalOwned o && claimed.containsKey(o.pid())) {
            signal(o.pid(), o.signal(), true);
        } else if (event instanceof Event.Ordered o) {
            supervision.order(o.order(), o.answer()::complete);
        } else if (event instanceof Event.Noticed n) {
            supervision.onNotice(n.ticket(), n.notice());
        } else if (event instanceof Event.Checked c) {
            supervision.onChecked(c.ticket(), c.check(), c.outcome(), c.detail());
        } else if (event instanceof Event.Ping p) {
            p.done().complete(null);
        }
    }

    private static StackTraceElement firstFrame(Throwable t) {
        StackTraceElement[] frames = t.getStackTrace();
        return frames.length == 0 ? null : frames[0];
    }

    /** A signal handler's thread: only hands the signal to the loop. */
    private void received(Signal s) {
        if (s.equals(Signal.CHLD)) {
            if (childPending.compareAndSet(false, true)) {
                events.add(Event.ChildChanged.INSTANCE);
            }
        } else {
            events.add(new Event.Received(s));
        }
    }

    private void reap() {
        lastReap = System.nanoTime();
        List<Reaper.Died> deaths = new ArrayList<>(2);
        for (Reaper.Change change : reaper.collect()) {
            switch (change) {
                case Reaper.Died d -> {
                    jobControl.ifPresent(j -> j.died(d.pid()));
                    deaths.add(d);
                }
                case Reaper.Stopped s -> jobControl.ifPresent(j -> j.stopped(s.pid(), s.signal()));
                case Reaper.Continued c -> {
                }
            }
        }
        if (!deaths.isEmpty()) {
            died(deaths);
        }
    }

    /** Processes kinesin reaped: their readiness channels and checks end, then the rules hear of them. */
    private void died(List<Reaper.Died> deaths) {
        if (!tickets.isEmpty()) {
            for (Reaper.Died d : deaths) {
                Ticket t = tickets.remove(d.pid());
                if (t != null) {
                    readiness.died(t);
                    if (health != null) {
                        health.stop(t);
                    }
                }
            }
        }
        for (Reaper.Died d : supervision.onDeaths(deaths)) {
            Consumer<ExitStatus> owner = claimed.remove(d.pid());
            if (owner != null) {
                deliver(owner, d.status());
            } else {
                keepUnclaimed(d);
            }
        }
    }

    // ---- launchers ----------------------------------------------------------------------------

    /**
     * A launcher's start ended (its stage, or the kernel's deadline for it, whichever came
     * first): the instance takes the pid, or counts a failed start; a death reaped before the
     * pid came is delivered now. kinesin's copies of the fds it lent are closed only once the
     * launcher's stage itself completed: until then it may still be passing them on.
     */
    private void launched(Event.Launched l) {
        Launch launch = launches.get(l.ticket());
        if (launch == null) {
            return;
        }
        int pid = l.pid();
        // a pid the reaper already has a status for died before its launcher reported it: it
        // must not be signalled (nor count as ready) before its death is delivered
        Unclaimed gone = pid > 0 ? unclaimed.remove(pid) : null;
        String error = l.error();
        if (pid > 0 && (supervision.isInstancePid(pid) || claimed.containsKey(pid))) {
            error = "the launcher reported pid " + pid + ", which is another process's kinesin knows";
            pid = 0;
        }
        boolean adopted = false;
        if (!launch.decided) {
            launch.decided = true;
            launch.took = supervision.onLaunched(l.ticket(), pid, error, gone != null) && pid > 0;
            adopted = launch.took;
        }
        if (pid > 0 && !launch.took && gone == null) {
            // it came after the deadline, or after the instance moved on: nobody's process
            log.warn("a launched process nobody waits for any more; killing it", "service", l.ticket().service,
                    "instance", l.ticket().instance, "pid", pid);
            claim(pid, status -> { });
            signal(pid, Signal.KILL, true);
        }
        if (l.released()) {
            launches.remove(l.ticket());
            launch.lent.release(); // before the numbers can name other files
            launch.fds.forEach(Fds::close);
            if (launch.channel != null) {
                readiness.spawned(launch.channel, launch.took && gone == null);
            }
        }
        if (adopted) {
            adopt(launch, l.ticket(), pid, gone);
        }
    }

    /** A launched process is the instance's: its readiness channel and checks, or its death if it came first. */
    private void adopt(Launch launch, Ticket ticket, int pid, Unclaimed gone) {
        if (gone != null) { // it died before its launcher reported it
            died(List.of(new Reaper.Died(pid, gone.status())));
            return;
        }
        ServiceSpec service = launch.service;
        boolean checked = health != null && health.checks(service.name());
        if (launch.channel != null || checked) {
            tickets.put(pid, ticket);
            if (checked) {
                health.start(ticket, target(service, ticket.instance, pid, launch.environment, service.command()));
            }
        }
    }

    /** A launcher's start in flight: what kinesin lent it and what it decided. */
    private static final class Launch {
        final ServiceSpec service;
        final Channel channel;
        final List<Integer> fds;
        final LaunchFds lent;
        final List<byte[]> environment;
        boolean decided;
        boolean took;

        Launch(ServiceSpec service, Channel channel, List<Integer> fds, LaunchFds lent, List<byte[]> environment) {
            this.service = service;
            this.channel = channel;
            this.fds = fds;
            this.lent = lent;
            this.environment = environment;
        }
    }

    /**
     * Hands an instance's start to its service's launcher, on a launch thread: the fds it must
     * have (stdin, the log bus's pipes, its readiness channel) are lent until the launcher's
     * stage completes; the outcome comes back as {@link Event.Launched}, at the latest when the
     * service's {@code launcher.timeout} has passed.
     */
    private void launch(ServiceSpec service, int instance, Ticket ticket, List<byte[]> env, Channel channel, LineWatch watch)
            throws SpawnException {
        Launcher launcher = launchers.get(service.name());
        Command c = service.command();
        List<Integer> numbers = new ArrayList<>(4);
        List<Integer> lent = new ArrayList<>(4);
        List<Integer> ours = new ArrayList<>(4);
        try {
            if (launcher == null) {
                throw new IllegalStateException("no launcher " + service.launch().type() + " was made for service " + service.name());
            }
            numbers.add(0);
            lent.add(switch (c.stdin()) {
                case Command.Input.Inherit i -> 0;
                case Command.Input.Null n -> own(ours, Fds.openRead("/dev/null".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
                case Command.Input.File f -> own(ours, Fds.openRead(f.path().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            });
            numbers.add(1);
            lent.add(launchOutput(c.stdout(), service, instance, Stream.STDOUT, 1, ours, watch));
            numbers.add(2);
            lent.add(launchOutput(c.stderr(), service, instance, Stream.STDERR, 2, ours, watch));
        } catch (NativeException | IllegalStateException e) {
            ours.forEach(Fds::close);
            if (channel != null) {
                readiness.spawned(channel, false);
            }
            log.error("cannot prepare the launch", "service", service.name(), "instance", instance, "error", e.getMessage());
            throw new SpawnException(c.argv().getFirst(), e instanceof NativeException n ? n.errno() : EIO);
        }
        if (channel != null) {
            channel.handovers().stream().sorted(java.util.Comparator.comparingInt(SpawnSpec.Handover::as)).forEach(h -> {
                numbers.add(h.as());
                lent.add(h.fd());
            });
        }
        Map<String, String> environment = environmentMap(env);
        LaunchFds handed = new LaunchFds(numbers, lent.stream().mapToInt(Integer::intValue).toArray());
        Launcher.LaunchSpec spec = new Launcher.LaunchSpec(service.name(), instance, service.launch().argv(), environment,
                c.workdir() == null ? null : java.nio.file.Path.of(new String(c.workdir(), java.nio.charset.StandardCharsets.UTF_8)),
                c.user() == null ? null : c.user().spec(), handed);
        launches.put(ticket, new Launch(service, channel, ours, handed, env));
        Duration timeout = service.launch().timeout();
        CompletableFuture<Void> deadline = new CompletableFuture<Void>().orTimeout(timeout.plus(LAUNCH_GRACE).toNanos(),
                TimeUnit.NANOSECONDS);
        deadline.whenComplete((v, e) -> {
            if (e != null) {
                post(new Event.Launched(ticket, 0, "no pid within " + Durations.format(timeout) + " (launcher.timeout) and a grace of "
                        + Durations.format(LAUNCH_GRACE), false));
            }
        });
        Runnable call = () -> {
            CompletionStage<Launcher.Launched> stage;
            try {
                stage = launcher.launch(spec);
            } catch (RuntimeException | Error e) {
                stage = CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((launched, e) -> {
                deadline.complete(null);
                if (e == null && (launched == null || launched.pid() <= 0 || launched.pid() > Integer.MAX_VALUE)) {
                    e = new IllegalStateException("the launcher reported no pid (" + launched + ")");
                }
                post(e == null ? new Event.Launched(ticket, (int) launched.pid(), null, true)
                        : new Event.Launched(ticket, 0, message(e), true));
            });
        };
        try {
            LaunchThreads.POOL.execute(call);
        } catch (RuntimeException | OutOfMemoryError e) { // no thread to be had (pids.max): a start that failed
            deadline.complete(null);
            post(new Event.Launched(ticket, 0, "no thread to launch it on: " + e, true));
        }
    }

    @Override
    public void reload(ServiceSpec service, Consumer<String> then) {
        Launcher launcher = launchers.get(service.name());
        if (launcher == null) {
            then.accept(null);
            return;
        }
        Duration timeout = service.launch().timeout();
        CompletableFuture<Void> done = new CompletableFuture<Void>().orTimeout(timeout.plus(LAUNCH_GRACE).toNanos(),
                TimeUnit.NANOSECONDS);
        done.whenComplete((v, e) -> post(new Event.Reloaded(e == null ? null
                : e instanceof java.util.concurrent.TimeoutException ? "not reloaded within " + Durations.format(timeout) + " (launcher.timeout)"
                : message(e), then)));
        Runnable call = () -> {
            CompletionStage<Void> stage;
            try {
                stage = launcher.reload();
            } catch (RuntimeException | Error e) {
                stage = CompletableFuture.failedFuture(e);
            }
            stage.whenComplete((v, e) -> {
                if (e == null) {
                    done.complete(null);
                } else {
                    done.completeExceptionally(e);
                }
            });
        };
        try {
            LaunchThreads.POOL.execute(call);
        } catch (RuntimeException | OutOfMemoryError e) {
            done.completeExceptionally(new IllegalStateException("no thread to reload on: " + e));
        }
    }

    /** Each launcher's close, at most {@link #LAUNCHER_CLOSE} for all: what they ran is gone with the orphans by now. */
    private void closeLaunchers() {
        if (launchers.isEmpty()) {
            return;
        }
        List<CompletableFuture<Void>> closing = new ArrayList<>(launchers.size());
        launchers.forEach((service, launcher) -> closing.add(CompletableFuture.runAsync(() -> {
            try {
                launcher.close();
            } catch (Exception e) {
                log.warn("a launcher failed to close", "service", service, "error", String.valueOf(e.getMessage()));
            }
        }, LaunchThreads.POOL)));
        try {
            CompletableFuture.allOf(closing.toArray(CompletableFuture[]::new)).get(LAUNCHER_CLOSE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            log.warn("launchers did not close in time", "after", LAUNCHER_CLOSE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final Duration LAUNCHER_CLOSE = Duration.ofSeconds(2);

    private static int own(List<Integer> ours, int fd) {
        ours.add(fd);
        return fd;
    }

    /** The fd a launched instance gets for stdout or stderr: kinesin's own, /dev/null, or a pipe into the log bus. */
    private int launchOutput(Command.Output out, ServiceSpec service, int instance, Stream stream, int inherited,
                             List<Integer> ours, LineWatch watch) {
        return switch (out) {
            case Command.Output.Inherit i -> inherited;
            case Command.Output.Null n -> own(ours, Fds.openNullForWriting());
            case Command.Output.Sinks s -> own(ours, bus.attach(service.name(), instance, stream, s.names(), watch));
        };
    }

    private static String message(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return t.getMessage() == null ? t.toString() : t.getMessage();
    }

    /**
     * What the kernel's deadline for a launch or a reload adds to {@code launcher.timeout}: the
     * launcher gets the timeout too and starts its clock a little later (on its thread), so a
     * launch it finishes just in time is not taken for a late one (as for hooks).
     */
    private static final Duration LAUNCH_GRACE = Duration.ofSeconds(1);

    /**
     * Where launchers' {@code launch} and {@code reload} run: never the loop; platform threads,
     * as launchers may block in native calls. Made on first use (the {@code --} mode has none).
     */
    private static final class LaunchThreads {
        static final java.util.concurrent.ExecutorService POOL = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kinesin-launch");
            t.setDaemon(true);
            return t;
        });
    }

    // ---- processes for others ---------------------------------------------------------------

    private void spawnFor(Event.SpawnFor f) {
        if (!f.spec().handovers().isEmpty() && supervision.phase() != Supervision.Phase.RUNNING) {
            // a linked child (a preloader) is for running services: started now, it would only be stopped again
            f.started().completeExceptionally(new IllegalStateException("kinesin is shutting down; nothing more is started"));
            return;
        }
        int pid;
        SpawnSpec spec = f.spec();
        List<Integer> pipeEnds = new ArrayList<>(2);
        try {
            if (f.output() != null && bus != null) {
                // its lines on the bus under its name, to the console, as a service's are by default
                int out = bus.attach(f.output(), 0, Stream.STDOUT, List.of("console"));
                pipeEnds.add(out);
                int err = bus.attach(f.output(), 0, Stream.STDERR, List.of("console"));
                pipeEnds.add(err);
                spec = spec.withStdio(spec.stdin(), new SpawnSpec.Stdio.Dup(out), new SpawnSpec.Stdio.Dup(err));
            }
            pid = spawner.spawn(spec);
        } catch (SpawnException | RuntimeException e) {
            f.started().completeExceptionally(e);
            return;
        } finally {
            pipeEnds.forEach(Fds::close);
        }
        claimed.put(pid, f.exited());
        f.started().complete(pid);
    }

    private void claim(int pid, Consumer<ExitStatus> exited) {
        Unclaimed gone = unclaimed.remove(pid);
        if (gone != null) {
            deliver(exited, gone.status());
        } else {
            claimed.put(pid, exited);
        }
    }

    private void keepUnclaimed(Reaper.Died d) {
        long now = System.nanoTime();
        unclaimed.put(d.pid(), new Unclaimed(d.status(), now));
        var oldest = unclaimed.entrySet().iterator();
        while (oldest.hasNext()) {
            var e = oldest.next();
            if (unclaimed.size() <= UNCLAIMED_MAX && now - e.getValue().at() < UNCLAIMED_KEPT.toNanos()) {
                break;
            }
            oldest.remove();
        }
    }

    private void deliver(Consumer<ExitStatus> owner, ExitStatus status) {
        try {
            owner.accept(status);
        } catch (RuntimeException e) {
            log.warn("exit status handler failed", "error", e.toString());
        }
    }

    private long untilNextTimer() {
        long next = Long.MAX_VALUE;
        for (long deadline : timers.values()) {
            next = Math.min(next, deadline);
        }
        return next == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(0, next - System.nanoTime());
    }

    private void fireDueTimers() {
        while (!supervision.finished()) {
            long now = System.nanoTime();
            Timer due = null;
            long earliest = Long.MAX_VALUE;
            for (var e : timers.entrySet()) {
                if (e.getValue() - now <= 0 && e.getValue() < earliest) {
                    due = e.getKey();
                    earliest = e.getValue();
                }
            }
            if (due == null) {
                return;
            }
            timers.remove(due);
            supervision.onTimer(due);
        }
    }

    // ---- Effects ------------------------------------------------------------------------------

    @Override
    public int spawn(ServiceSpec service, int instance, Ticket ticket) throws SpawnException {
        Command c = service.command();
        List<byte[]> env = c.environment();
        Readiness ready = service.readiness();
        Channel channel = channel(service, ticket);
        if (c.identify() || channel != null) {
            env = new ArrayList<>(env);
            List<String> add = new ArrayList<>(4);
            if (c.identify()) {
                add.add("KINESIN_SERVICE=" + service.name());
                add.add("KINESIN_INSTANCE=" + instance);
            }
            if (channel != null) {
                add.addAll(channel.environment());
            }
            for (String a : add) {
                byte[] key = a.substring(0, a.indexOf('=') + 1).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                env.removeIf(e -> startsWith(e, key));
                env.add(a.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        if (service.launch() != null) {
            launch(service, instance, ticket, env, channel,
                    ready.protocol() == Readiness.Protocol.LOG ? new PatternWatch(ready.pattern(), ticket, this::post) : null);
            return 0; // the pid comes with Event.Launched
        }
        List<byte[]> argv = c.argv();
        if (ready.protocol() == Readiness.Protocol.SYSTEMD && !ready.watchdog().isZero()) {
            argv = WatchdogPid.wrap(argv); // systemd's WATCHDOG_PID is the pid the child will have
        }
        argv = c.user() == null ? argv : c.user().wrap(argv);
        List<Integer> pipeEnds = new ArrayList<>(2);
        LineWatch watch = ready.protocol() == Readiness.Protocol.LOG ? new PatternWatch(ready.pattern(), ticket, this::post) : null;
        int pid;
        boolean started = false;
        try {
            SpawnSpec spec = new SpawnSpec(argv, env, c.workdir(), c.session(), input(c.stdin()),
                    output(c.stdout(), service, instance, Stream.STDOUT, pipeEnds, watch),
                    output(c.stderr(), service, instance, Stream.STDERR, pipeEnds, watch),
                    channel == null ? List.of() : channel.handovers());
            pid = spawner.spawn(spec);
            started = true;
        } catch (NativeException e) {
            // no pipe or no file action (EMFILE, ENOMEM): this start fails like a missing
            // program, a death the restart policy answers, instead of stalling the instance
            throw new SpawnException(argv.getFirst(), e.errno());
        } finally {
            pipeEnds.forEach(Fds::close); // the child has its copies; the pump sees EOF once they are gone
            if (channel != null && !started) {
                readiness.spawned(channel, false);
            }
        }
        ticket.pid(pid);
        if (channel != null) {
            readiness.spawned(channel, true);
        }
        if (channel != null || health != null && health.checks(service.name())) {
            tickets.put(pid, ticket);
            if (health != null && health.checks(service.name())) {
                health.start(ticket, target(service, instance, pid, env, c));
            }
        }
        jobControl.ifPresent(j -> j.spawned(pid));
        if (!exitPathLinked) {
            // First calls cost: ~1 ms to link kill(), more to read /proc/self/task the first
            // time. Pay that once a child runs, not when SIGTERM arrives or the last child dies.
            Processes.exists(pid);
            ProcSelf.children();
            exitPathLinked = true;
        }
        return pid;
    }

    private static SpawnSpec.Stdio input(Command.Input in) {
        return switch (in) {
            case Command.Input.Inherit i -> SpawnSpec.Stdio.INHERIT;
            case Command.Input.Null n -> SpawnSpec.Stdio.NULL;
            case Command.Input.File f -> SpawnSpec.Stdio.readFile(f.path().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        };
    }

    /** The spawn's readiness channel, or null if its protocol needs none; a channel that cannot be made fails the spawn. */
    private Channel channel(ServiceSpec service, Ticket ticket) throws SpawnException {
        Readiness.Protocol p = service.readiness().protocol();
        if (p == Readiness.Protocol.NONE || p == Readiness.Protocol.LOG || p == Readiness.Protocol.HEALTH) {
            return null;
        }
        Command.UserSpec user = service.command().user();
        try {
            return readiness.prepare(service, ticket, user == null ? -1 : user.uid(), user == null ? -1 : user.gid());
        } catch (java.io.IOException | RuntimeException e) {
            log.error("cannot make the readiness channel", "service", service.name(), "instance", ticket.instance,
                    "notify", p.label(), "error", e.getMessage());
            throw new SpawnException(service.command().argv().getFirst(), e instanceof NativeException n ? n.errno() : EIO);
        }
    }

    private static final int EIO = 5;

    /** {@code KEY=VALUE} entries as a map, decoded as UTF-8 (what plugins are told of an environment). */
    private static Map<String, String> environmentMap(List<byte[]> env) {
        Map<String, String> environment = new LinkedHashMap<>();
        for (byte[] e : env) {
            String entry = new String(e, java.nio.charset.StandardCharsets.UTF_8);
            int eq = entry.indexOf('=');
            if (eq > 0) {
                environment.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return environment;
    }

    /** What a health check is told of the instance it checks. */
    private static io.kinesin.spi.HealthCheck.Target target(ServiceSpec service, int instance, int pid, List<byte[]> env, Command c) {
        return new io.kinesin.spi.HealthCheck.Target(service.name(), instance, pid, environmentMap(env),
                c.user() == null ? null : c.user().spec());
    }

    private SpawnSpec.Stdio output(Command.Output out, ServiceSpec service, int instance, Stream stream,
                                   List<Integer> pipeEnds, LineWatch watch) {
        return switch (out) {
            case Command.Output.Inherit i -> SpawnSpec.Stdio.INHERIT;
            case Command.Output.Null n -> SpawnSpec.Stdio.NULL;
            case Command.Output.Sinks s -> {
                int writeEnd = bus.attach(service.name(), instance, stream, s.names(), watch);
                pipeEnds.add(writeEnd);
                yield new SpawnSpec.Stdio.Dup(writeEnd);
            }
        };
    }

    private static boolean startsWith(byte[] a, byte[] p) {
        return a.length >= p.length && java.util.Arrays.equals(a, 0, p.length, p, 0, p.length);
    }

    /** Never throws into the rules: a signal that cannot be sent is logged, and the ladder goes on. */
    @Override
    public void signal(int pid, Signal signal, boolean group) {
        try {
            if (!kill.send(pid, signal, group) && group) {
                // the leader is gone but may have left its group; or it never had one (setsid failed)
                kill.send(pid, signal, false);
            }
        } catch (NativeException | IllegalArgumentException e) {
            log.warn("cannot signal", "pid", pid, "signal", signal.sigName(), "error", e.getMessage());
        }
    }

    @Override
    public void publish(Lifecycle record) {
        listeners.publish(record);
    }

    @Override
    public void schedule(Timer timer, Duration delay) {
        timers.put(timer, System.nanoTime() + delay.toNanos());
    }

    @Override
    public void cancel(Timer timer) {
        timers.remove(timer);
    }

    @Override
    public List<Integer> children() {
        return ProcSelf.children();
    }
}
