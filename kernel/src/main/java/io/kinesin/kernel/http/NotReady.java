package io.kinesin.kernel.http;

import io.kinesin.kernel.log.JsonText;
import io.kinesin.kernel.supervise.Condition;
import io.kinesin.kernel.supervise.InstanceView;
import io.kinesin.kernel.supervise.Plan;
import io.kinesin.kernel.supervise.Readiness;
import io.kinesin.kernel.supervise.ServiceSpec;
import io.kinesin.kernel.supervise.State;
import io.kinesin.kernel.supervise.Status;
import io.kinesin.spi.ExitStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code /readyz}: who is not ready, and why, from a status snapshot. Every instance must be
 * ready (state ready: ready by its protocol and passing its {@code unready} checks), except a
 * finished one-shot (exited 0 for good).
 */
record NotReady(String service, int instance, State state, String reason) {

    static List<NotReady> of(Status status, Plan plan) {
        List<NotReady> out = new ArrayList<>();
        for (InstanceView v : status.instances()) {
            if (v.ready() || finished(v)) {
                continue;
            }
            out.add(new NotReady(v.service(), v.instance(), v.state(), reason(v, plan.service(v.service()), status)));
        }
        return out;
    }

    /** A one-shot that did its work: ended for good with exit 0, not held down by an operator. */
    static boolean finished(InstanceView v) {
        return v.state() == State.EXITED && !v.held() && v.lastExit() instanceof ExitStatus.Exited e && e.code() == 0;
    }

    static String reason(InstanceView v, ServiceSpec spec, Status status) {
        return switch (v.state()) {
            case STARTING -> waitingFor(spec, status);
            case RUNNING -> running(v, spec);
            case BACKOFF -> "backoff after " + exit(v.lastExit());
            case STOPPING -> "stopping";
            case EXITED -> v.held() ? "held down (kinesin stop)" : "ended: " + exit(v.lastExit());
            case FAILED -> "failed: " + (v.failure() == null ? exit(v.lastExit()) : v.failure());
            case READY -> "ready";
        };
    }

    private static String running(InstanceView v, ServiceSpec spec) {
        for (InstanceView.Check c : v.health()) {
            if (Boolean.FALSE.equals(c.passing())) {
                return "health check " + c.type() + " failing: " + c.lastResult();
            }
        }
        Readiness.Protocol p = spec == null ? Readiness.Protocol.NONE : spec.readiness().protocol();
        String notify = v.notifyStatus() == null ? "" : " (status: " + v.notifyStatus() + ")";
        return switch (p) {
            case HEALTH -> "waiting for its first passing health check (notify: health)";
            case NONE -> "started, not ready yet";
            default -> "waiting for its readiness (notify: " + p.label() + ")" + notify;
        };
    }

    private static String waitingFor(ServiceSpec spec, Status status) {
        if (spec != null) {
            for (Map.Entry<String, Condition> d : spec.dependsOn().entrySet()) {
                boolean met = true;
                for (InstanceView o : status.instances()) {
                    if (o.service().equals(d.getKey()) && !met(o, d.getValue())) {
                        met = false;
                    }
                }
                if (!met) {
                    return "waiting for " + d.getKey() + " to be " + d.getValue().name().toLowerCase(java.util.Locale.ROOT);
                }
            }
        }
        return "not started yet";
    }

    private static boolean met(InstanceView o, Condition c) {
        return switch (c) {
            case STARTED -> o.state() != State.STARTING;
            case READY -> o.ready();
            case COMPLETED -> finished(o);
        };
    }

    static String exit(ExitStatus e) {
        if (e == null) {
            return "no exit yet";
        }
        return e instanceof ExitStatus.Killed k ? "signal " + k.signal().name() : "exit " + e.code();
    }

    /** {@code {"not_ready":[{"service":..,"instance":..,"state":..,"reason":..}]}} */
    static String json(List<NotReady> all) {
        StringBuilder sb = new StringBuilder(64 + 128 * all.size()).append("{\"not_ready\":[");
        for (int k = 0; k < all.size(); k++) {
            NotReady n = all.get(k);
            sb.append(k == 0 ? "{" : ",{").append("\"service\":");
            JsonText.quote(sb, n.service);
            sb.append(",\"instance\":").append(n.instance).append(",\"state\":");
            JsonText.quote(sb, n.state.label());
            sb.append(",\"reason\":");
            JsonText.quote(sb, n.reason);
            sb.append('}');
        }
        return sb.append("]}").toString();
    }
}
