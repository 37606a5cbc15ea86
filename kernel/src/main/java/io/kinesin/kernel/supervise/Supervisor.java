package io.kinesin.kernel.supervise;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.logbus.LogBus;
import io.kinesin.kernel.logbus.Stream;
import io.kinesin.kernel.process.Fds;
import io.kinesin.kernel.process.ProcSelf;
import io.kinesin.kernel.process.Processes;
import io.kinesin.kernel.process.Reaper;
import io.kinesin.kernel.process.SignalCatcher;
import io.kinesin.kernel.process.SpawnException;
import io.kinesin.kernel.process.SpawnSpec;
import io.kinesin.kernel.process.Spawner;
import io.kinesin.kernel.process.Terminal;
import io.kinesin.spi.Signal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The supervisor's loop: one thread that owns {@link Supervision} and does its I/O. Signal
 * handlers only post to its queue; SIGCHLD wakes it to reap; timers are deadlines it waits
 * for. Spawning, reaping and signalling all happen on this thread, so no pid is signalled
 * after it has been reaped.
 */
public final class Supervisor implements Effects {

    private static final Object CHILD_EXITED = new Object();
    /** How long kinesin waits, once everything has ended, for pipes still holding children's output. */
    private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(1);

    private final Log log;
    private final LogBus bus;
    private final Spawner spawner = new Spawner();
    private final Reaper reaper;
    private final Optional<JobControl> jobControl;
    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final AtomicBoolean childPending = new AtomicBoolean();
    private final Map<Timer, Long> timers = new HashMap<>();
    private final Supervision supervision;
    private boolean exitPathLinked;

    /**
     * @param bus      where children's output goes when a service sends it to sinks; null when none does
     * @param terminal the controlling terminal to hand the one child of the {@code --} mode, if any
     */
    public Supervisor(Plan plan, Log log, LogBus bus, Optional<Terminal> terminal) {
        this.log = log;
        this.bus = bus;
        this.jobControl = terminal.map(t -> new JobControl(t, log));
        this.reaper = new Reaper(jobControl.isPresent());
        this.supervision = new Supervision(plan, this, Clock.SYSTEM, log);
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
        SignalCatcher.install(all, this::post);
        if (Processes.pid() != 1) {
            Processes.becomeSubreaper();
        }
        reap(); // anything that ended before SIGCHLD was caught (and waitpid is linked from here on)
        supervision.start();
        while (!supervision.finished()) {
            Object event;
            try {
                long wait = untilNextTimer();
                event = wait < 0 ? events.take() : events.poll(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("supervisor loop interrupted", e);
            }
            try {
                handle(event);
                fireDueTimers();
            } catch (RuntimeException e) {
                // PID 1 must not die of its own bug with children still running: report and go on
                log.error("internal error; kinesin carries on", "error", e.toString(), "at", String.valueOf(firstFrame(e)));
            }
        }
        if (bus != null) {
            bus.close(OUTPUT_DRAIN); // every line the children wrote, before kinesin exits
        }
        return supervision.exitStatus();
    }

    private void handle(Object event) {
        if (event == CHILD_EXITED) {
            childPending.set(false);
            reap();
        } else if (event instanceof Signal s) {
            if (s.equals(Signal.CONT)) {
                jobControl.ifPresent(JobControl::continued);
            }
            supervision.onSignal(s);
        }
    }

    private static StackTraceElement firstFrame(Throwable t) {
        StackTraceElement[] frames = t.getStackTrace();
        return frames.length == 0 ? null : frames[0];
    }

    private void post(Signal s) {
        if (s.equals(Signal.CHLD)) {
            if (childPending.compareAndSet(false, true)) {
                events.add(CHILD_EXITED);
            }
        } else {
            events.add(s);
        }
    }

    private void reap() {
        for (Reaper.Change change : reaper.collect()) {
            switch (change) {
                case Reaper.Died d -> {
                    jobControl.ifPresent(j -> j.died(d.pid()));
                    supervision.onDeath(d.pid(), d.status());
                }
                case Reaper.Stopped s -> jobControl.ifPresent(j -> j.stopped(s.pid(), s.signal()));
                case Reaper.Continued c -> {
                }
            }
        }
    }

    private long untilNextTimer() {
        long next = Long.MAX_VALUE;
        for (long deadline : timers.values()) {
            next = Math.min(next, deadline);
        }
        return next == Long.MAX_VALUE ? -1 : Math.max(0, next - System.nanoTime());
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
    public int spawn(ServiceSpec service, int instance) throws SpawnException {
        Command c = service.command();
        List<byte[]> env = c.environment();
        if (c.identify()) {
            env = new ArrayList<>(env);
            env.removeIf(e -> startsWith(e, "KINESIN_SERVICE=") || startsWith(e, "KINESIN_INSTANCE="));
            env.add(("KINESIN_SERVICE=" + service.name()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            env.add(("KINESIN_INSTANCE=" + instance).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        List<byte[]> argv = c.user() == null ? c.argv() : c.user().wrap(c.argv());
        String display = service.replicas() > 1 ? service.name() + "." + instance : service.name();
        List<Integer> pipeEnds = new ArrayList<>(2);
        int pid;
        try {
            SpawnSpec spec = new SpawnSpec(argv, env, c.workdir(), c.session(), input(c.stdin()),
                    output(c.stdout(), service, instance, display, Stream.STDOUT, pipeEnds),
                    output(c.stderr(), service, instance, display, Stream.STDERR, pipeEnds));
            pid = spawner.spawn(spec);
        } finally {
            pipeEnds.forEach(Fds::close); // the child has its copies; the pump sees EOF once they are gone
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

    private SpawnSpec.Stdio output(Command.Output out, ServiceSpec service, int instance, String display, Stream stream,
                                   List<Integer> pipeEnds) {
        return switch (out) {
            case Command.Output.Inherit i -> SpawnSpec.Stdio.INHERIT;
            case Command.Output.Null n -> SpawnSpec.Stdio.NULL;
            case Command.Output.Sinks s -> {
                int writeEnd = bus.attach(service.name(), instance, display, stream, s.names());
                pipeEnds.add(writeEnd);
                yield new SpawnSpec.Stdio.Dup(writeEnd);
            }
        };
    }

    private static boolean startsWith(byte[] a, String prefix) {
        byte[] p = prefix.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return a.length >= p.length && java.util.Arrays.equals(a, 0, p.length, p, 0, p.length);
    }

    @Override
    public void signal(int pid, Signal signal, boolean group) {
        if (!Processes.kill(pid, signal, group) && group) {
            // the leader is gone but may have left its group; or it never had one (setsid failed)
            Processes.kill(pid, signal, false);
        }
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
