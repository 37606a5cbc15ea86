package io.kinesin.hooks;

import io.kinesin.spi.Death;
import io.kinesin.spi.ExitStatus;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a hook tells, in the three forms the kinds need: environment variables for {@code exec},
 * a JSON object for {@code webhook}, and one human line ({@code text}) for a chat channel.
 *
 * @param environment the {@code KINESIN_*} variables; a null value removes an inherited one
 * @param json        the webhook's fields, in order, {@code text} last
 */
record Facts(Map<String, String> environment, Map<String, Object> json) {

    /** The variables of a death, which an on-exit hook must not inherit from kinesin's own environment. */
    static final List<String> DEATH_VARIABLES = List.of("KINESIN_SERVICE", "KINESIN_INSTANCE", "KINESIN_PID",
            "KINESIN_EXIT_CODE", "KINESIN_SIGNAL", "KINESIN_DEATHS", "KINESIN_WILL_RESTART", "KINESIN_STATE",
            "KINESIN_COALESCED");
    /** Every variable kinesin sets for a hook: a configured {@code env} may not take these names. */
    static final List<String> VARIABLES = java.util.stream.Stream.concat(DEATH_VARIABLES.stream(),
            java.util.stream.Stream.of("KINESIN_AT", "KINESIN_EXIT_STATUS", "KINESIN_REASON")).toList();

    /**
     * The facts of one death.
     *
     * @param replicas how many instances the service runs: with one, it is named {@code web}, else {@code web.2}, as the console does
     */
    static Facts of(Death d, int replicas) {
        Integer exitCode = d.status() instanceof ExitStatus.Exited e ? e.exitCode() : null;
        String signal = d.status() instanceof ExitStatus.Killed k ? k.signal().name() : null;
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KINESIN_SERVICE", d.service());
        env.put("KINESIN_INSTANCE", Integer.toString(d.instance()));
        env.put("KINESIN_PID", Long.toString(d.pid()));
        env.put("KINESIN_EXIT_CODE", exitCode == null ? "" : exitCode.toString());
        env.put("KINESIN_SIGNAL", signal == null ? "" : signal);
        env.put("KINESIN_DEATHS", Integer.toString(d.deaths()));
        env.put("KINESIN_WILL_RESTART", Boolean.toString(d.willRestart()));
        env.put("KINESIN_STATE", d.state());
        env.put("KINESIN_AT", d.at().toString());
        env.put("KINESIN_COALESCED", Integer.toString(d.coalesced()));
        env.put("KINESIN_EXIT_STATUS", null);
        env.put("KINESIN_REASON", null);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("service", d.service());
        json.put("instance", d.instance());
        json.put("pid", d.pid());
        json.put("exit_code", exitCode);
        json.put("signal", signal);
        json.put("deaths", d.deaths());
        json.put("will_restart", d.willRestart());
        json.put("state", d.state());
        json.put("at", d.at().toString());
        json.put("coalesced", d.coalesced());
        json.put("text", text(d, replicas));
        return new Facts(Collections.unmodifiableMap(env), Collections.unmodifiableMap(json));
    }

    /** The facts of kinesin's exit: its status and why, when. */
    static Facts ofExit(int status, String reason, Instant at) {
        Map<String, String> env = new LinkedHashMap<>();
        DEATH_VARIABLES.forEach(name -> env.put(name, null));
        env.put("KINESIN_EXIT_STATUS", Integer.toString(status));
        env.put("KINESIN_REASON", reason);
        env.put("KINESIN_AT", at.toString());
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("exit_status", status);
        json.put("reason", reason);
        json.put("at", at.toString());
        json.put("text", "kinesin is exiting with status " + status + ": " + reason);
        return new Facts(Collections.unmodifiableMap(env), Collections.unmodifiableMap(json));
    }

    /**
     * {@code kinesin: web.1 (pid 4242) exited with code 3; restarting (3 deaths within the crash-loop window)},
     * {@code kinesin: web (pid 4242) was killed by KILL; not restarted, now failed}.
     */
    static String text(Death d, int replicas) {
        String name = replicas > 1 || d.instance() > 0 ? d.service() + "." + d.instance() : d.service();
        StringBuilder t = new StringBuilder("kinesin: ").append(name);
        String how = switch (d.status()) {
            case ExitStatus.Exited e -> "exited with code " + e.exitCode();
            case ExitStatus.Killed k -> "was killed by " + k.signal().name() + (k.coreDumped() ? " (core dumped)" : "");
        };
        if (d.pid() > 0) {
            t.append(" (pid ").append(d.pid()).append(") ").append(how);
        } else {
            t.append(" could not be started (").append(d.status()).append(')');
        }
        t.append(d.willRestart() ? "; restarting" : "; not restarted, now " + d.state());
        if (d.deaths() > 1 || d.willRestart()) {
            t.append(" (").append(d.deaths()).append(d.deaths() == 1 ? " death" : " deaths").append(" within the crash-loop window)");
        }
        if (d.coalesced() > 0) {
            t.append("; ").append(d.coalesced()).append(d.coalesced() == 1 ? " earlier death" : " earlier deaths")
                    .append(" folded into this alert");
        }
        return t.toString();
    }
}
