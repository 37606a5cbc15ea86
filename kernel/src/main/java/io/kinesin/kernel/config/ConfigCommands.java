package io.kinesin.kernel.config;

import io.kinesin.kernel.cli.Options;
import io.kinesin.kernel.cli.UsageException;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code kinesin run} and {@code kinesin check}: finding, loading and planning a config. */
public final class ConfigCommands {

    private static final List<String> DEFAULT_NAMES = List.of("kinesin.yaml", "kinesin.yml", "kinesin.toml", "kinesin.json");

    private ConfigCommands() {
    }

    /** The config to use: the one given, else $KINESIN_CONFIG, else the first of ./kinesin.{yaml,yml,toml,json}. */
    public static Path locate(String given) throws UsageException {
        if (given != null) {
            return Path.of(given);
        }
        String fromEnv = System.getenv("KINESIN_CONFIG");
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return Path.of(fromEnv);
        }
        for (String name : DEFAULT_NAMES) {
            if (Files.exists(Path.of(name))) {
                return Path.of(name);
            }
        }
        throw new UsageException("no config file: give one (kinesin run CONFIG), set KINESIN_CONFIG, "
                + "or create ./kinesin.yaml (or .yml, .toml, .json) in " + Path.of("").toAbsolutePath());
    }

    /** Reads a config: syntax, interpolation and kinesin's own keys checked; plugin kinds still unbound. */
    public static ConfigLoader.Loaded read(Path file, List<byte[]> environment) throws ConfigException {
        return ConfigLoader.load(file, text(environment));
    }

    /** Plans: everything a run needs, checked before anything starts. */
    public static Planner.Result plan(ConfigLoader.Loaded loaded, List<byte[]> environment, Options cli)
            throws ConfigException, UsageException {
        return Planner.plan(loaded, environment, cli);
    }

    /** The environment as ${VAR} sees it: UTF-8, the first of duplicate names wins (as getenv does). */
    static Map<String, String> text(List<byte[]> environment) {
        Map<String, String> out = new HashMap<>();
        for (byte[] entry : environment) {
            String e = new String(entry, StandardCharsets.UTF_8);
            int eq = e.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(e.substring(0, eq), e.substring(eq + 1));
            }
        }
        return out;
    }
}
