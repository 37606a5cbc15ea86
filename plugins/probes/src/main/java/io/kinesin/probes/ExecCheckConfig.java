package io.kinesin.probes;

import io.kinesin.spi.Spawner;
import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * An {@code exec} check's own settings (the kernel removes {@code type}, {@code every},
 * {@code timeout} and its other scheduling keys before binding the rest here):
 * <pre>
 * health:
 *   - { type: exec, command: [pg_isready, -q], every: 5s, timeout: 2s }
 * </pre>
 * {@code command} is written as a service's: a list is the argv (no shell in between), a string
 * one program with no arguments.
 */
public record ExecCheckConfig(
        @JsonProperty("command") @JsonFormat(with = JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY) List<String> command) {

    public ExecCheckConfig {
        command = Spawner.Command.checkedArgv(command, "command: [/usr/local/bin/healthy, --quick]; exit 0 passes");
    }
}
