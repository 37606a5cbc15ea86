package io.kinesin.kernel.supervise;

import io.kinesin.kernel.log.Log;
import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Signal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How the loop carries out an operator's {@link Order}s: an instance to stop or restart gets
 * its service's stop ladder, one instance at a time (the shutdown's ladders go service by
 * service, {@link Shutdown}); when it has died it is held down or spawned again at once. Each
 * order is answered once every instance it names is done. Supervisor thread only.
 */
final class Orders {

    /** What happens once the ladder has ended an instance's process. */
    enum Then { HOLD, RESTART }

    /** An instance's stop or restart in progress: its ladder step and who waits for the outcome. */
    static final class Underway {
        Then then;
        int step;
        final int pid;
        final List<Line> waiting = new ArrayList<>(1);

        Underway(Then then, int pid) {
            this.then = then;
            this.pid = pid;
        }
    }

    /** One instance's part of the answer: what happened, and whether the order was carried out. */
    @FunctionalInterface
    interface Line {
        void say(boolean done, String text);
    }

    /** Answers an order once each of its instances has a line. */
    private static final class Reply {
        private final String[] lines;
        private final Consumer<Order.Answer> answer;
        private int left;
        private int exit;

        Reply(int instances, Consumer<Order.Answer> answer) {
            this.lines = new String[instances];
            this.left = instances;
            this.answer = answer;
        }

        Line slot(int k, String name) {
            return (done, text) -> {
                if (lines[k] == null) {
                    lines[k] = name + ": " + text;
                    exit = done ? exit : 1;
                    if (--left == 0) {
                        answer.accept(new Order.Answer(exit, List.of(lines)));
                    }
                }
            };
        }
    }

    private final Supervision supervision;
    /** Services a {@code kinesin restart} is reloading and rolling now: a second one is refused meanwhile. */
    private final java.util.Set<String> reloading = new java.util.HashSet<>();
    private final Instances instances;
    private final Effects effects;
    private final Log log;

    Orders(Supervision supervision, Instances instances, Effects effects, Log log) {
        this.supervision = supervision;
        this.instances = instances;
        this.effects = effects;
        this.log = log;
    }

    /** Carries out an order for the instance(s) it names; a name that matches none is answered at once (exit 2). */
    void apply(Order order, Consumer<Order.Answer> answer) {
        Order.Target t = order.target();
        List<Instance> of = instances.of(t.service());
        int instance = t.instance();
        if (of == null && instance >= 0) { // a service named like "api.2"
            of = instances.of(t.toString());
            instance = -1;
        }
        if (of == null) {
            answer.accept(Order.Answer.of(2, "no service \"" + t + "\"; services: " + String.join(", ", instances.names())));
            return;
        }
        if (instance >= of.size()) {
            answer.accept(Order.Answer.of(2, "no instance " + t + ": " + t.service() + " has "
                    + (of.size() == 1 ? "one instance, " + t.service() + " (or " + t.service() + ".0)"
                    : "instances " + t.service() + ".0 to " + t.service() + "." + (of.size() - 1))));
            return;
        }
        if (order instanceof Order.Restart && instance < 0 && of.getFirst().service.launch() != null) {
            if (reloading.contains(t.service())) {
                answer.accept(Order.Answer.of(1, "not restarted: a restart of " + t.service() + " is under way (see kinesin status)"));
                return;
            }
            reloadThenRoll(List.copyOf(of), answer);
            return;
        }
        apply(order, instance < 0 ? List.copyOf(of) : List.of(of.get(instance)), answer);
    }

    /**
     * {@code kinesin restart SERVICE} of a launcher's service: the launcher loads the code anew
     * (a fresh preloader), then the instances are replaced one at a time, each new one ready
     * before the next old one is stopped, so that the service never has more than one instance
     * down. A new one that dies before it is ready ends the roll: the rest keep the old code.
     */
    private void reloadThenRoll(List<Instance> targets, Consumer<Order.Answer> answer) {
        String service = targets.getFirst().service.name();
        reloading.add(service);
        log.info("operator order", "order", "restart", "service", service, "launcher", targets.getFirst().service.launch().type());
        Reply reply = new Reply(targets.size(), answer);
        List<Line> lines = new ArrayList<>(targets.size());
        for (int k = 0; k < targets.size(); k++) {
            lines.add(reply.slot(k, targets.get(k).name()));
        }
        effects.reload(targets.getFirst().service, error -> {
            if (error != null) {
                reloading.remove(service);
                log.warn("cannot reload; the instances keep running", "service", service, "error", error);
                lines.forEach(l -> l.say(false, "not restarted: the launcher could not load the code anew: " + error));
                return;
            }
            if (supervision.phase() != Supervision.Phase.RUNNING) {
                reloading.remove(service);
                lines.forEach(l -> l.say(false, "not done: kinesin is shutting down"));
                return;
            }
            log.info("reloaded; replacing instances one at a time", "service", service);
            roll(new Rolling(targets, lines));
        });
    }

    /** A reload's instances being replaced one by one: the one whose new process must become ready. */
    static final class Rolling {
        final List<Instance> targets;
        final List<Line> lines;
        int next;
        Instance waiting;
        int oldPid;

        Rolling(List<Instance> targets, List<Line> lines) {
            this.targets = targets;
            this.lines = lines;
        }
    }

    /** Restarts the next instance of a roll, or ends it when none is left. */
    private void roll(Rolling r) {
        while (r.next < r.targets.size()) {
            Instance i = r.targets.get(r.next);
            Line line = r.lines.get(r.next);
            r.next++;
            if (i.held || i.state() == State.STARTING) {
                line.say(true, i.held ? "held down; not restarted" : "not started yet: it starts from the new code");
                continue;
            }
            r.waiting = i;
            r.oldPid = i.state().hasProcess() ? i.pid : 0;
            i.rolling = r;
            restart(i, (done, text) -> {
                if (!done) { // it could not be stopped or started: the roll ends here
                    i.rolling = null;
                    line.say(false, text);
                    abort(r, i.name() + " " + text);
                }
            });
            if (i.rolling == r && i.underway == null && !i.state().hasProcess()) {
                // released but waiting for its dependencies: it starts from the new code when they allow
                i.rolling = null;
                r.waiting = null;
                line.say(true, "not started yet: waiting for its dependencies; it starts from the new code");
                continue;
            }
            return;
        }
        reloading.remove(r.targets.getFirst().service.name());
    }

    /** {@link Supervision}: an instance became ready; if a roll waited for it, the next one goes. */
    void ready(Instance i) {
        Rolling r = i.rolling;
        if (r == null || r.waiting != i || i.underway != null) {
            return;
        }
        i.rolling = null;
        r.waiting = null;
        r.lines.get(r.next - 1).say(true, "restarted from the new code, pid " + i.pid + (r.oldPid == 0 ? "" : " (was " + r.oldPid + ")")
                + ", ready");
        roll(r);
    }

    /** {@link Supervision}: an instance a roll waited for died before it was ready: the roll ends. */
    void diedBeforeReady(Instance i, ExitStatus status) {
        Rolling r = i.rolling;
        if (r == null || r.waiting != i || i.underway != null) {
            return;
        }
        i.rolling = null;
        r.waiting = null;
        r.lines.get(r.next - 1).say(false, "its new process died before it was ready (" + status + ")");
        abort(r, i.name() + " did not become ready");
    }

    private void abort(Rolling r, String why) {
        for (int k = r.next; k < r.targets.size(); k++) {
            r.lines.get(k).say(false, "not restarted: " + why + "; it keeps running the old code");
        }
        r.next = r.targets.size();
        reloading.remove(r.targets.getFirst().service.name());
    }

    /** An operator's order for an instance a roll waits for: the roll ends there, the order is carried out. */
    private void endRollFor(Instance i, String order) {
        Rolling r = i.rolling;
        if (r != null) {
            i.rolling = null;
            r.waiting = null;
            r.lines.get(r.next - 1).say(false, "an operator's " + order + " came first");
            abort(r, i.name() + " was given an operator's " + order);
        }
    }

    private void apply(Order order, List<Instance> targets, Consumer<Order.Answer> answer) {
        Reply reply = new Reply(targets.size(), answer);
        for (int k = 0; k < targets.size(); k++) {
            Instance i = targets.get(k);
            Line line = reply.slot(k, i.name());
            log.info("operator order", "order", verb(order), "service", i.service.name(), "instance", i.index);
            if (!(order instanceof Order.Send)) {
                endRollFor(i, verb(order));
            }
            switch (order) {
                case Order.Stop s -> stop(i, line);
                case Order.Restart r -> restart(i, line);
                case Order.Start s -> start(i, line);
                case Order.Send s -> send(i, s.signal(), line);
            }
        }
    }

    private static String verb(Order order) {
        return switch (order) {
            case Order.Stop s -> "stop";
            case Order.Restart r -> "restart";
            case Order.Start s -> "start";
            case Order.Send s -> "signal " + s.signal().sigName();
        };
    }

    private void stop(Instance i, Line line) {
        switch (i.state()) {
            case RUNNING, READY -> ladder(i, Then.HOLD, line);
            case STOPPING -> meanwhile(i, Then.HOLD, line);
            case BACKOFF, STARTING -> {
                if (i.state() == State.BACKOFF) {
                    effects.cancel(new Timer.Restart(i.service.name(), i.index));
                }
                instances.move(i, Step.HELD);
                i.held = true;
                line.say(true, "stopped (it was not running); held down");
            }
            case EXITED, FAILED -> line.say(true, i.held ? "already stopped" : "not running (" + i.state().label() + ")");
        }
    }

    private void restart(Instance i, Line line) {
        switch (i.state()) {
            case RUNNING, READY -> ladder(i, Then.RESTART, line);
            case STOPPING -> meanwhile(i, Then.RESTART, line);
            default -> start(i, line);
        }
    }

    private void start(Instance i, Line line) {
        switch (i.state()) {
            case RUNNING, READY -> line.say(true, "already running, pid " + i.pid);
            case STOPPING -> meanwhile(i, Then.RESTART, line);
            case STARTING -> line.say(true, "not started yet: waiting for its dependencies");
            case BACKOFF -> {
                effects.cancel(new Timer.Restart(i.service.name(), i.index));
                supervision.spawnNow(i);
                say(line, i, "started", 0, "");
            }
            case EXITED, FAILED -> {
                i.held = false;
                i.failure = null;
                i.deaths.clear();
                i.attempt = 0;
                i.stopSignals.clear();
                instances.move(i, Step.RELEASED);
                supervision.startWhatCanNow();
                if (i.state() == State.STARTING) {
                    line.say(true, "not started yet: waiting for its dependencies");
                } else {
                    say(line, i, "started", 0, "");
                }
            }
        }
    }

    private void send(Instance i, Signal signal, Line line) {
        if (!i.state().hasProcess() || i.reaped) {
            line.say(false, "not running (" + i.state().label() + "); no signal sent");
            return;
        }
        Optional<Signal> sent = i.service.forwarding().rewritten(signal);
        if (sent.isEmpty()) {
            line.say(false, "not signalled: the service's rewrite drops " + signal.sigName());
            return;
        }
        instances.send(i, sent, false);
        line.say(true, "sent " + sent.get().sigName() + (sent.get().equals(signal) ? "" : " (rewritten from " + signal.sigName() + ")")
                + (i.pid == 0 ? " (held until its launcher reports the pid)" : " to pid " + i.pid
                + (i.service.forwarding().group() ? " and its process group" : "")));
    }

    /** A second order for an instance already on its ladder: the later one says what follows; both are answered then. */
    private static void meanwhile(Instance i, Then then, Line line) {
        if (i.underway == null) {
            line.say(false, "not done: it is stopping for good");
            return;
        }
        i.underway.then = then;
        i.underway.waiting.add(line);
    }

    private void ladder(Instance i, Then then, Line line) {
        i.underway = new Underway(then, i.pid);
        i.underway.waiting.add(line);
        instances.move(i, Step.STOP);
        sendStep(i);
    }

    private void sendStep(Instance i) {
        instances.sendLadderStep(i, i.underway.step, new Timer.HoldStep(i.service.name(), i.index));
    }

    /** The wait after a ladder step is over: the next step, or, after the last, give up on the process. */
    void onTimer(Instance i) {
        Underway u = i.underway;
        if (u == null || i.state() != State.STOPPING) {
            return;
        }
        if (u.step + 1 < i.service.stop().steps()) {
            u.step++;
            sendStep(i);
            return;
        }
        log.error("still alive after the last ladder step; leaving it", "service", i.service.name(), "instance", i.index, "pid", i.pid);
        instances.move(i, Step.ABANDONED);
        i.held = true;
        i.underway = null;
        u.waiting.forEach(w -> w.say(false, "could not stop pid " + u.pid + ": still alive after the last ladder step; held down"));
    }

    /**
     * An instance with an order underway died (not in the shutdown): it is held, or spawned
     * again at once. Its death is no failure and is not counted for kinesin's exit status.
     */
    void died(Instance i, ExitStatus status) {
        Underway u = i.underway;
        i.underway = null;
        effects.cancel(new Timer.HoldStep(i.service.name(), i.index));
        instances.move(i, Step.ENDED);
        List<String> sent = new ArrayList<>();
        for (int k = 0; k <= u.step; k++) {
            sent.add(i.service.stop().step(k).sigName());
        }
        String how = "sent " + String.join(", ", sent) + "; it " + (status instanceof ExitStatus.Killed k
                ? "died of " + k.signal().sigName() : "exited with code " + status.code());
        supervision.publishDied(i, status, u.then == Then.RESTART);
        if (u.then == Then.HOLD) {
            i.held = true;
            log.info("held down", "service", i.service.name(), "instance", i.index);
            u.waiting.forEach(w -> w.say(true, "stopped (pid " + u.pid + ": " + how + "); held down"));
            return;
        }
        i.stopSignals.clear();
        instances.move(i, Step.RELEASED);
        supervision.spawnNow(i);
        u.waiting.forEach(w -> say(w, i, "restarted", u.pid, ": " + how));
    }

    /** The shutdown came while a roll waited for this instance: nothing more is restarted. */
    void rollOvertaken(Instance i) {
        Rolling r = i.rolling;
        if (r != null) {
            i.rolling = null;
            r.lines.get(r.next - 1).say(false, "not done: kinesin is shutting down");
            abort(r, "kinesin is shutting down");
        }
    }

    /** The shutdown took over an instance with an order underway: it is stopping for good. */
    void overtaken(Instance i) {
        Underway u = i.underway;
        if (u != null) {
            i.underway = null;
            u.waiting.forEach(w -> w.say(false, "not done: kinesin is shutting down"));
        }
    }

    private static void say(Line line, Instance i, String verb, int oldPid, String more) {
        if (i.state().hasProcess()) {
            line.say(true, verb + (i.pid == 0 ? " (its launcher is starting it)" : ", pid " + i.pid)
                    + (oldPid == 0 ? "" : " (was " + oldPid + more + ")"));
        } else {
            line.say(false, "could not be started: " + (i.failure != null ? i.failure
                    : i.lastExit == null ? i.state().label() : i.state().label() + " after " + i.lastExit));
        }
    }
}
