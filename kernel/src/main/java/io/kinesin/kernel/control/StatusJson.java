package io.kinesin.kernel.control;

import io.kinesin.kernel.log.JsonText;
import io.kinesin.kernel.supervise.InstanceView;
import io.kinesin.kernel.supervise.State;
import io.kinesin.kernel.supervise.Status;
import io.kinesin.spi.ExitStatus;

import java.time.Duration;
import java.time.Instant;

/**
 * The status as JSON, the shape of the HTTP endpoint's {@code /status}:
 * {@code {"kinesin":{version,pid,started_at,uptime_seconds},"services":{NAME:{"instances":[...]}}}}.
 * {@code ready} is true in state ready; {@code notify_status} is the last {@code STATUS=} of an
 * sd_notify service (null if none); {@code health} has one entry per check ({@code passing} is
 * null before its first result); {@code held} is true for an instance {@code kinesin stop}
 * holds down.
 */
public final class StatusJson {

    private StatusJson() {
    }

    /** @param self kinesin's own version, pid and start */
    public static String of(Status status, Self self, Instant now) {
        StringBuilder sb = new StringBuilder(256 + 256 * status.instances().size());
        sb.append("{\"kinesin\":{\"version\":");
        JsonText.quote(sb, self.version());
        sb.append(",\"pid\":").append(self.pid()).append(",\"started_at\":");
        time(sb, self.startedAt());
        sb.append(",\"uptime_seconds\":").append(Math.max(0, Duration.between(self.startedAt(), now).toSeconds()));
        sb.append("},\"services\":{");
        String service = null;
        for (InstanceView v : status.instances()) {
            if (!v.service().equals(service)) {
                if (service != null) {
                    sb.append("]},");
                }
                service = v.service();
                JsonText.quote(sb, service);
                sb.append(":{\"instances\":[");
            } else {
                sb.append(',');
            }
            instance(sb, v);
        }
        if (service != null) {
            sb.append("]}");
        }
        return sb.append("}}").toString();
    }

    private static void instance(StringBuilder sb, InstanceView v) {
        sb.append("{\"instance\":").append(v.instance()).append(",\"state\":");
        JsonText.quote(sb, v.state().label());
        sb.append(",\"pid\":").append(v.pid() == 0 ? "null" : String.valueOf(v.pid()));
        sb.append(",\"started_at\":");
        time(sb, v.state().hasProcess() ? v.startedAt() : null);
        sb.append(",\"restarts\":").append(v.restarts());
        sb.append(",\"last_exit\":");
        ExitStatus e = v.lastExit();
        if (e == null) {
            sb.append("null");
        } else {
            sb.append("{\"code\":").append(e instanceof ExitStatus.Killed ? "null" : String.valueOf(e.code()));
            sb.append(",\"signal\":");
            if (e instanceof ExitStatus.Killed k) {
                JsonText.quote(sb, k.signal().name());
            } else {
                sb.append("null");
            }
            sb.append(",\"at\":");
            time(sb, v.lastExitAt());
            sb.append('}');
        }
        sb.append(",\"ready\":").append(v.ready());
        sb.append(",\"notify_status\":");
        if (v.notifyStatus() == null) {
            sb.append("null");
        } else {
            JsonText.quote(sb, v.notifyStatus());
        }
        sb.append(",\"health\":[");
        for (int k = 0; k < v.health().size(); k++) {
            InstanceView.Check c = v.health().get(k);
            sb.append(k == 0 ? "{" : ",{").append("\"type\":");
            JsonText.quote(sb, c.type());
            sb.append(",\"action\":");
            JsonText.quote(sb, c.action().label());
            sb.append(",\"passing\":").append(c.passing() == null ? "null" : c.passing().toString());
            sb.append(",\"last_result\":");
            if (c.lastResult() == null) {
                sb.append("null");
            } else {
                JsonText.quote(sb, c.lastResult());
            }
            sb.append(",\"last_at\":");
            time(sb, c.lastAt());
            sb.append(",\"consecutive_failures\":").append(c.consecutiveFailures()).append('}');
        }
        sb.append(']');
        sb.append(",\"held\":").append(v.held());
        if (v.failure() != null) {
            sb.append(",\"failure\":");
            JsonText.quote(sb, v.failure());
        }
        sb.append('}');
    }

    private static void time(StringBuilder sb, Instant t) {
        if (t == null) {
            sb.append("null");
        } else {
            JsonText.quote(sb, t.toString());
        }
    }
}
