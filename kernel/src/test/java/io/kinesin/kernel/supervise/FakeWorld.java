package io.kinesin.kernel.supervise;

import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.process.Reaper;
import io.kinesin.kernel.process.SpawnException;
import io.kinesin.kernel.process.SpawnSpec;
import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Signal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The supervisor's seams, faked: a manual clock, pids handed out in order, timers that fire
 * when the test advances time, and a record of every signal. No process is started.
 */
final class FakeWorld implements Effects, Clock {

    record Sent(int pid, Signal signal, boolean group) {
    }

    record Spawned(String service, int instance, int pid) {
    }

    long nanos;
    int nextPid = 100;
    final List<Spawned> spawned = new ArrayList<>();
    final List<Sent> sent = new ArrayList<>();
    final List<Lifecycle> lifecycle = new ArrayList<>();
    final Map<Timer, Long> timers = new LinkedHashMap<>();
    final Set<String> unrunnable = new HashSet<>();
    final Set<Integer> alive = new HashSet<>();
    final Set<Integer> orphans = new HashSet<>();
    final Map<Integer, Ticket> tickets = new HashMap<>();
    /** Launchers' starts in flight, by {@code service.instance}. */
    final Map<String, Ticket> launching = new LinkedHashMap<>();
    /** What a launcher's reload answers: null (it reloaded) or an error; reloads counted. */
    String reloadError;
    int reloads;
    final ByteArrayOutputStream logBytes = new ByteArrayOutputStream();
    final Log log = new Log(Log.Format.LOGFMT, Log.Level.DEBUG, logBytes);
    Supervision supervision;

    Supervision supervise(Plan plan) {
        supervision = new Supervision(plan, this, this, log);
        return supervision;
    }

    // ---- driving --------------------------------------------------------------------------------

    /** Moves time on, firing due timers in order. */
    void advance(Duration d) {
        long until = nanos + d.toNanos();
        while (true) {
            Timer next = null;
            long at = Long.MAX_VALUE;
            for (var e : timers.entrySet()) {
                if (e.getValue() <= until && e.getValue() < at) {
                    next = e.getKey();
                    at = e.getValue();
                }
            }
            if (next == null) {
                break;
            }
            nanos = Math.max(nanos, at);
            timers.remove(next);
            supervision.onTimer(next);
        }
        nanos = until;
    }

    void exit(int pid, int code) {
        die(pid, ExitStatus.exited(code));
    }

    void kill(int pid, Signal s) {
        die(pid, ExitStatus.killed(s));
    }

    void die(int pid, ExitStatus status) {
        dieTogether(List.of(new Reaper.Died(pid, status)));
    }

    /** Several deaths in one reap's batch: all are dead (and reaped) before the rules see the first. */
    void dieTogether(List<Reaper.Died> batch) {
        for (Reaper.Died d : batch) {
            alive.remove(d.pid());
            orphans.remove(d.pid());
        }
        supervision.onDeaths(batch);
    }

    /** The launcher reports the instance's pid: a fresh one, alive unless {@code diedAlready}. */
    int launched(String service, int instance) {
        Ticket t = launching.remove(service + "." + instance);
        if (t == null) {
            throw new AssertionError(service + "." + instance + " is not being launched");
        }
        int pid = nextPid++;
        spawned.add(new Spawned(service, instance, pid));
        alive.add(pid);
        tickets.put(pid, t);
        supervision.onLaunched(t, pid, null, false);
        return pid;
    }

    /** The launcher could not start the instance. */
    void launchFailed(String service, int instance, String error) {
        Ticket t = launching.remove(service + "." + instance);
        if (t == null) {
            throw new AssertionError(service + "." + instance + " is not being launched");
        }
        supervision.onLaunched(t, 0, error, false);
    }

    @Override
    public void reload(ServiceSpec service, java.util.function.Consumer<String> then) {
        reloads++;
        then.accept(reloadError);
    }

    /** The instance's current process says something through its readiness channel. */
    void notice(String service, int instance, Notice notice) {
        supervision.onNotice(tickets.get(pidOf(service, instance)), notice);
    }

    /** A health check of the instance's current process ended. */
    void checked(String service, int instance, int check, Event.Checked.Outcome outcome, String detail) {
        supervision.onChecked(tickets.get(pidOf(service, instance)), check, outcome, detail);
    }

    int pidOf(String service, int instance) {
        for (int i = spawned.size() - 1; i >= 0; i--) {
            Spawned s = spawned.get(i);
            if (s.service().equals(service) && s.instance() == instance) {
                return s.pid();
            }
        }
        throw new AssertionError(service + "." + instance + " was never spawned");
    }

    int spawnCount(String service) {
        return (int) spawned.stream().filter(s -> s.service().equals(service)).count();
    }

    List<Signal> signalsTo(int pid) {
        return sent.stream().filter(s -> s.pid() == pid).map(Sent::signal).toList();
    }

    State state(String service, int instance) {
        return supervision.instances().stream().filter(v -> v.service().equals(service) && v.instance() == instance)
                .findFirst().orElseThrow().state();
    }

    Duration pendingDelay(Timer t) {
        Long at = timers.get(t);
        return at == null ? null : Duration.ofNanos(at - nanos);
    }

    String logText() {
        return logBytes.toString(StandardCharsets.UTF_8);
    }

    // ---- Effects ------------------------------------------------------------------------------

    @Override
    public int spawn(ServiceSpec service, int instance, Ticket ticket) throws SpawnException {
        if (unrunnable.contains(service.name())) {
            throw new SpawnException(service.command().argv().get(0), 2);
        }
        if (service.launch() != null) { // a launcher's: the pid comes later (launched)
            launching.put(service.name() + "." + instance, ticket);
            return 0;
        }
        int pid = nextPid++;
        spawned.add(new Spawned(service.name(), instance, pid));
        alive.add(pid);
        tickets.put(pid, ticket);
        return pid;
    }

    /** Refuses a pid that is dead: once reaped, it may belong to another process. */
    @Override
    public void signal(int pid, Signal signal, boolean group) {
        if (!alive.contains(pid) && !orphans.contains(pid)) {
            throw new AssertionError("signalled pid " + pid + " (" + signal.sigName() + "), which was already reaped");
        }
        sent.add(new Sent(pid, signal, group));
    }

    @Override
    public void publish(Lifecycle record) {
        lifecycle.add(record);
    }

    @Override
    public void schedule(Timer timer, Duration delay) {
        timers.put(timer, nanos + delay.toNanos());
    }

    @Override
    public void cancel(Timer timer) {
        timers.remove(timer);
    }

    @Override
    public List<Integer> children() {
        List<Integer> all = new ArrayList<>(alive);
        all.addAll(orphans);
        return all;
    }

    // ---- Clock ----------------------------------------------------------------------------------

    @Override
    public long nanos() {
        return nanos;
    }

    @Override
    public Instant now() {
        return Instant.EPOCH.plusNanos(nanos);
    }

    // ---- building plans -------------------------------------------------------------------------

    static ServiceBuilder service(String name) {
        return new ServiceBuilder(name);
    }

    static Plan plan(Plan.StatusRule rule, ServiceBuilder... services) {
        return plan(rule, Map.of(), services);
    }

    static Plan plan(Plan.StatusRule rule, Map<Integer, Integer> exitCodes, ServiceBuilder... services) {
        List<ServiceSpec> specs = new ArrayList<>();
        for (ServiceBuilder b : services) {
            specs.add(b.build());
        }
        return new Plan(specs, Ladder.DEFAULT, forwarding(), new ExitCodes(exitCodes), rule);
    }

    /** The {@code --} mode's default plan for one child: TERM passed on, never escalated. */
    static Plan forwardOnly(ServiceBuilder child) {
        Ladder term = new Ladder(List.of(Signal.TERM), Ladder.DEFAULT_TIMEOUT);
        return new Plan(List.of(child.stop(term).build()), term, forwarding(), new ExitCodes(Map.of()),
                Plan.StatusRule.ONLY_CHILD, Plan.Escalation.FORWARD_ONLY);
    }

    static Forwarding forwarding() {
        Map<Signal, Signal> rewrite = new HashMap<>();
        rewrite.put(Signal.USR1, Signal.USR2);
        rewrite.put(Signal.WINCH, null);
        return new Forwarding(Set.of(Signal.HUP, Signal.INT, Signal.USR1, Signal.WINCH), true, rewrite);
    }

    static final class ServiceBuilder {
        private final String name;
        private int replicas = 1;
        private boolean essential = true;
        private RestartPolicy restart = RestartPolicy.NO;
        private Backoff backoff = Backoff.DEFAULT;
        private CrashLoop crashLoop = CrashLoop.DEFAULT;
        private final Map<String, Condition> dependsOn = new HashMap<>();
        private Ladder stop = Ladder.DEFAULT;
        private Readiness readiness = Readiness.AT_ONCE;
        private final List<HealthSpec> health = new ArrayList<>();
        private ServiceSpec.Launch launch;

        ServiceBuilder(String name) {
            this.name = name;
        }

        ServiceBuilder replicas(int n) {
            replicas = n;
            return this;
        }

        ServiceBuilder optional() {
            essential = false;
            return this;
        }

        ServiceBuilder restart(RestartPolicy p) {
            restart = p;
            return this;
        }

        ServiceBuilder backoff(Backoff b) {
            backoff = b;
            return this;
        }

        ServiceBuilder crashLoop(int deaths, Duration within) {
            crashLoop = new CrashLoop(deaths, within);
            return this;
        }

        ServiceBuilder dependsOn(String other, Condition c) {
            dependsOn.put(other, c);
            return this;
        }

        ServiceBuilder stop(Ladder l) {
            stop = l;
            return this;
        }

        ServiceBuilder ready(Readiness r) {
            readiness = r;
            return this;
        }

        /** Its instances are started by a launcher (the test reports their pids). */
        ServiceBuilder launched() {
            launch = new ServiceSpec.Launch("ruby-preload", Duration.ofSeconds(60), List.of());
            return this;
        }

        ServiceBuilder health(HealthSpec h) {
            health.add(h);
            return this;
        }

        ServiceSpec build() {
            Command c = new Command(List.of(name.getBytes(StandardCharsets.UTF_8)), List.of(), true, null,
                    SpawnSpec.Session.NEW_SESSION, Command.Input.NULL, Command.Output.INHERIT, Command.Output.INHERIT, null);
            return new ServiceSpec(name, c, replicas, essential, restart, backoff, crashLoop, dependsOn, stop, forwarding(),
                    readiness, health, launch);
        }
    }
}
