package io.kinesin.kernel.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.kinesin.spi.LineFormat;
import io.kinesin.kernel.supervise.RestartPolicy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The original Rust kinesin's {@code kinesin.toml}, mapped onto this kinesin's model so it
 * runs unchanged:
 * <ul>
 * <li>{@code [[service]]} → a service: {@code exec} is its command (a bare name that exists
 *     next to the file runs that file, as the original's execve did from its directory);
 *     {@code env} ({@code "KEY=VALUE"} entries) overrides kinesin's environment (the original
 *     appended duplicates, so the inherited value won); {@code must_be_up} (default true) is
 *     {@code essential}; nothing restarts, as in the original.</li>
 * <li>{@code stdout}/{@code stderr} {@code { watch }}: a watched stream goes to the consumers of
 *     it, unchanged (raw); an unwatched one, or one nobody consumes, to /dev/null.
 *     {@code read_bufsize} and {@code bus_bufsize} are accepted and have no effect: kinesin
 *     reads whole lines itself.</li>
 * <li>{@code [[consumer]]} {@code kind = "stdout"} / {@code "stderr"}: kinesin's own stdout or
 *     stderr; {@code kind.log = "path"}: appended to that file.</li>
 * </ul>
 * Fixed on the way: kinesin exits with the failing service's status (the original exited 0),
 * stops everything on SIGTERM, and reaps and stops all children.
 */
record LegacyConfig(@JsonProperty("version") Integer version,
                    @JsonProperty("service") List<Service> service,
                    @JsonProperty("consumer") List<Consumer> consumer) {

    record Service(@JsonProperty("name") String name,
                   @JsonProperty("exec") List<String> exec,
                   @JsonProperty("env") List<String> env,
                   @JsonProperty("must_be_up") Boolean mustBeUp,
                   @JsonProperty("stdout") Source stdout,
                   @JsonProperty("stderr") Source stderr) {
    }

    record Source(@JsonProperty("watch") Boolean watch,
                  @JsonProperty("read_bufsize") Integer readBufsize,
                  @JsonProperty("bus_bufsize") Integer busBufsize) {

        Source {
            if (readBufsize != null && readBufsize < 1) {
                throw new ConfigProblem("read_bufsize", readBufsize + " is too small; expected a size in bytes >= 1");
            }
            if (busBufsize != null && busBufsize < 0) {
                throw new ConfigProblem("bus_bufsize", busBufsize + " is negative");
            }
        }

        boolean watched() {
            return watch == null || watch;
        }
    }

    record Consumer(@JsonProperty("consumes") JsonNode consumes, @JsonProperty("kind") JsonNode kind) {
    }

    ConfigFile toConfigFile(Path cwd, Path file) throws ConfigException {
        if (version != null && version != 1) {
            throw new ConfigException("version", version + " is not a version of this format; expected 1");
        }
        if (service == null || service.isEmpty()) {
            throw new ConfigException("service", "nothing to run; add a [[service]] with name and exec");
        }
        Path dir = file.toAbsolutePath().getParent();
        Map<String, SinkConfig> sinks = new LinkedHashMap<>();
        Map<String, List<String>> stdoutSinks = new LinkedHashMap<>();
        Map<String, List<String>> stderrSinks = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < service.size(); i++) {
            Service s = service.get(i);
            if (s == null || s.name() == null || s.name().isBlank()) {
                throw new ConfigException("service[" + i + "].name", "every [[service]] needs a name");
            }
            if (names.contains(s.name())) {
                throw new ConfigException("service[" + i + "].name", "two services are named \"" + s.name() + "\"");
            }
            names.add(s.name());
        }
        List<Consumer> consumers = consumer == null ? List.of() : consumer;
        for (int i = 0; i < consumers.size(); i++) {
            String at = "consumer[" + i + "]";
            Consumer c = consumers.get(i);
            JsonNode consumes = c.consumes();
            if (consumes == null || !consumes.isObject() || consumes.size() != 1
                    || !(consumes.has("stdout") || consumes.has("stderr")) || !consumes.elements().next().isTextual()) {
                throw new ConfigException(at + ".consumes", "expected consumes.stdout = \"service\" or consumes.stderr = \"service\"");
            }
            boolean stdout = consumes.has("stdout");
            String from = consumes.elements().next().textValue();
            if (!names.contains(from)) {
                String near = Suggestions.nearest(from, names);
                throw new ConfigException(at + ".consumes." + (stdout ? "stdout" : "stderr"), "no service \"" + from + "\""
                        + (near != null ? "; did you mean \"" + near + "\"?" : ""));
            }
            String sink = sink(c.kind(), at, i, sinks);
            (stdout ? stdoutSinks : stderrSinks).computeIfAbsent(from, k -> new ArrayList<>()).add(sink);
        }
        Map<String, ServiceConfig> services = new LinkedHashMap<>();
        for (int i = 0; i < service.size(); i++) {
            Service s = service.get(i);
            String at = "service[" + i + "]";
            try {
                services.put(s.name(), new ServiceConfig(command(s.exec(), dir, cwd), env(s.env(), at), null, null, null, null,
                        s.mustBeUp() == null || s.mustBeUp(), RestartPolicy.NO, null, null, null, null, null, null,
                        output(s.stdout(), stdoutSinks.get(s.name())), output(s.stderr(), stderrSinks.get(s.name())),
                        null, null, null, null));
            } catch (ConfigProblem p) {
                throw new ConfigException(ConfigLoader.join(at, p.field.equals("command") ? "exec" : p.field), p.getMessage());
            }
        }
        try {
            return new ConfigFile(null, sinks, services, null);
        } catch (ConfigProblem p) {
            throw new ConfigException(p.field, p.getMessage());
        }
    }

    private static String sink(JsonNode kind, String at, int index, Map<String, SinkConfig> sinks) throws ConfigException {
        if (kind != null && kind.isTextual() && (kind.textValue().equals("stdout") || kind.textValue().equals("stderr"))) {
            String stream = kind.textValue();
            sinks.putIfAbsent(stream, new SinkConfig("console", stream, LineFormat.RAW, null, null));
            return stream;
        }
        if (kind != null && kind.isObject() && kind.size() == 1 && kind.has("log") && kind.get("log").isTextual()) {
            String name = "log-" + index;
            sinks.put(name, SinkConfig.plugin("file", Map.of("path", kind.get("log"), "format", TextNode.valueOf("raw"))));
            return name;
        }
        throw new ConfigException(at + ".kind", "expected kind = \"stdout\", kind = \"stderr\" or kind.log = \"path\"");
    }

    /** exec[0] without a '/' that names a file beside the config (or in the cwd) runs that file. */
    private static Argv command(List<String> exec, Path dir, Path cwd) {
        if (exec == null) {
            throw new ConfigProblem("command", "every [[service]] needs exec, e.g. exec = [\"/usr/bin/app\", \"--flag\"]");
        }
        List<String> argv = new ArrayList<>(exec);
        if (!argv.isEmpty() && !argv.getFirst().contains("/")) {
            for (Path base : List.of(dir, cwd)) {
                if (Files.isRegularFile(base.resolve(argv.getFirst()))) {
                    argv.set(0, base.resolve(argv.getFirst()).toString());
                    break;
                }
            }
        }
        return new Argv(argv);
    }

    private static Map<String, String> env(List<String> env, String at) throws ConfigException {
        Map<String, String> out = new LinkedHashMap<>();
        if (env == null) {
            return out;
        }
        for (int i = 0; i < env.size(); i++) {
            String e = env.get(i);
            int eq = e == null ? -1 : e.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(at + ".env[" + i + "]", "\"" + e + "\" is not KEY=VALUE");
            }
            out.put(e.substring(0, eq), e.substring(eq + 1));
        }
        return out;
    }

    private static OutputConfig output(Source source, List<String> sinks) {
        if ((source != null && !source.watched()) || sinks == null || sinks.isEmpty()) {
            return new OutputConfig(OutputConfig.Mode.NULL, null);
        }
        return new OutputConfig(OutputConfig.Mode.SINKS, sinks);
    }
}
