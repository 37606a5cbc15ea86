package io.kinesin.hooks;

import io.kinesin.spi.Spawner;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An {@code exec} hook's own settings (the kernel removes {@code type} and {@code when}, and
 * always passes {@code timeout}, 10s unless configured):
 * <pre>
 * on-death:
 *   - { type: exec, command: [/usr/local/bin/alert, web], env: { CHANNEL: ops }, timeout: 5s }
 * </pre>
 * {@code command} is written as a service's: a list is the argv (no shell in between), a string
 * one program with no arguments. {@code env} is added to kinesin's own environment; the facts
 * ({@code KINESIN_*}) are added last and cannot be configured.
 *
 * @param env     null means none
 * @param timeout the hook's whole budget: its process group is killed when it has passed
 */
public record ExecHookConfig(
        @JsonProperty("command") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> command,
        @JsonProperty("env") Map<String, String> env,
        @JsonProperty("timeout") Duration timeout) {

    public ExecHookConfig {
        command = Spawner.Command.checkedArgv(command, "command: [/usr/local/bin/alert, --channel, ops]; the facts are in its environment (KINESIN_*)");
        Map<String, String> copy = new LinkedHashMap<>();
        if (env != null) {
            env.forEach((name, value) -> {
                if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("env: \"" + name + "\" is no environment variable name; "
                            + "use letters, digits and _, e.g. ALERT_CHANNEL");
                }
                if (Facts.VARIABLES.contains(name)) {
                    throw new IllegalArgumentException("env." + name + ": is one of the facts kinesin sets for the hook; "
                            + "pick another name");
                }
                if (value == null) {
                    throw new IllegalArgumentException("env." + name + ": has no value; give it one (\"\" for empty), or leave it out");
                }
                copy.put(name, value);
            });
        }
        env = Collections.unmodifiableMap(copy);
        timeout = Timeouts.check(timeout);
    }

    /** The program's last path element: the hook's label on the log bus ({@code hook:web:alert}). */
    String program() {
        String p = command.getFirst();
        String base = p.substring(p.lastIndexOf('/') + 1);
        return base.isEmpty() ? p : base;
    }
}
