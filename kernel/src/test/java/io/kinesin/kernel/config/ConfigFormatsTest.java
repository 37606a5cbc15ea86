package io.kinesin.kernel.config;

import io.kinesin.kernel.cli.Options;
import io.kinesin.kernel.supervise.Condition;
import io.kinesin.kernel.supervise.RestartPolicy;
import io.kinesin.spi.Signal;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One model, three syntaxes: the same config in YAML, TOML and JSON, its defaults, and {@code kinesin check}'s output. */
class ConfigFormatsTest {

    private static final List<byte[]> ENV = List.of("PATH=/usr/bin:/bin".getBytes(StandardCharsets.UTF_8));

    private static final String YAML = """
            kinesin:
              log: { format: json, level: debug }
              shutdown: { signals: [QUIT, KILL], timeout: 5s }
              exit-codes: { 143: 0 }
            sinks:
              applog: { type: file, path: logs/app.log }
            services:
              web:
                command: [/bin/sh, -c, "exec sleep 1"]
                env: { TZ: UTC, PORT: 8080 }
                replicas: 2
                restart: on-failure
                backoff: { initial: 250ms, max: 1m30s }
                crash-loop: { deaths: 3, within: 10s }
                depends-on: { db: started }
                stdout: { sinks: [console, applog] }
                stderr: inherit
                stop: { signals: [TERM, KILL], timeout: 15s }
              db:
                command: /bin/true
                essential: false
            """;

    private static final String TOML = """
            [kinesin.log]
            format = "json"
            level = "debug"

            [kinesin.shutdown]
            signals = ["QUIT", "KILL"]
            timeout = "5s"

            [kinesin.exit-codes]
            143 = 0

            [sinks.applog]
            type = "file"
            path = "logs/app.log"

            [services.web]
            command = ["/bin/sh", "-c", "exec sleep 1"]
            env = { TZ = "UTC", PORT = 8080 }
            replicas = 2
            restart = "on-failure"
            backoff = { initial = "250ms", max = "1m30s" }
            crash-loop = { deaths = 3, within = "10s" }
            depends-on = { db = "started" }
            stdout = { sinks = ["console", "applog"] }
            stderr = "inherit"
            stop = { signals = ["TERM", "KILL"], timeout = "15s" }

            [services.db]
            command = "/bin/true"
            essential = false
            """;

    private static final String JSON = """
            {
              "kinesin": {
                "log": { "format": "json", "level": "debug" },
                "shutdown": { "signals": ["QUIT", "KILL"], "timeout": "5s" },
                "exit-codes": { "143": 0 }
              },
              "sinks": { "applog": { "type": "file", "path": "logs/app.log" } },
              "services": {
                "web": {
                  "command": ["/bin/sh", "-c", "exec sleep 1"],
                  "env": { "TZ": "UTC", "PORT": 8080 },
                  "replicas": 2,
                  "restart": "on-failure",
                  "backoff": { "initial": "250ms", "max": "1m30s" },
                  "crash-loop": { "deaths": 3, "within": "10s" },
                  "depends-on": { "db": "started" },
                  "stdout": { "sinks": ["console", "applog"] },
                  "stderr": "inherit",
                  "stop": { "signals": ["TERM", "KILL"], "timeout": "15s" }
                },
                "db": { "command": "/bin/true", "essential": false }
              }
            }
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void logDirectory() throws Exception {
        Files.createDirectories(dir.resolve("logs"));
    }

    private ConfigLoader.Loaded load(String name, String text) throws Exception {
        return ConfigLoader.load(Files.writeString(dir.resolve(name), text), Map.of());
    }

    private static String sample(String ext) {
        return switch (ext) {
            case "yaml" -> YAML;
            case "toml" -> TOML;
            default -> JSON;
        };
    }

    @Test
    void theSameConfigInYamlTomlAndJsonLoadsEqual() throws Exception {
        ConfigLoader.Loaded yaml = load("kinesin.yaml", YAML);
        ConfigLoader.Loaded toml = load("kinesin.toml", TOML);
        ConfigLoader.Loaded json = load("kinesin.json", JSON);
        assertThat(yaml.format()).isEqualTo(ConfigLoader.Format.YAML);
        assertThat(toml.format()).isEqualTo(ConfigLoader.Format.TOML);
        assertThat(json.format()).isEqualTo(ConfigLoader.Format.JSON);
        assertThat(toml.config()).isEqualTo(yaml.config());
        assertThat(json.config()).isEqualTo(yaml.config());
        assertThat(yaml.legacy()).isFalse();
    }

    @Test
    void theSampleMeansWhatItSays() throws Exception {
        ConfigFile c = load("kinesin.yaml", YAML).config();
        ServiceConfig web = c.services().get("web");
        assertThat(c.services()).containsOnlyKeys("web", "db");
        assertThat(web.command().args()).containsExactly("/bin/sh", "-c", "exec sleep 1");
        assertThat(web.env()).containsExactly(Map.entry("TZ", "UTC"), Map.entry("PORT", "8080"));
        assertThat(web.replicas()).isEqualTo(2);
        assertThat(web.restart()).isEqualTo(RestartPolicy.ON_FAILURE);
        assertThat(web.backoff().initial()).isEqualTo(Duration.ofMillis(250));
        assertThat(web.backoff().max()).isEqualTo(Duration.ofSeconds(90));
        assertThat(web.crashLoop().deaths()).isEqualTo(3);
        assertThat(web.dependsOn().on()).containsExactly(Map.entry("db", Condition.STARTED));
        assertThat(web.stdout().sinks()).containsExactly("console", "applog");
        assertThat(web.stderr().mode()).isEqualTo(OutputConfig.Mode.INHERIT);
        assertThat(web.stop().timeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.services().get("db").command().args()).containsExactly("/bin/true");
        assertThat(c.services().get("db").essential()).isFalse();
        assertThat(c.kinesin().exitCodes()).containsExactly(Map.entry(143, 0));
    }

    @Test
    void absentKeysGetTheirDefaults() throws Exception {
        ConfigFile c = load("kinesin.yaml", "services: { app: { command: /bin/true } }").config();
        ServiceConfig app = c.services().get("app");
        assertThat(app.replicas()).isEqualTo(1);
        assertThat(app.essential()).isTrue();
        assertThat(app.restart()).isEqualTo(RestartPolicy.NO);
        assertThat(app.backoff().initial()).isEqualTo(Duration.ofMillis(100));
        assertThat(app.backoff().max()).isEqualTo(Duration.ofSeconds(30));
        assertThat(app.backoff().factor()).isEqualTo(2.0);
        assertThat(app.backoff().resetAfter()).isEqualTo(Duration.ofSeconds(60));
        assertThat(app.crashLoop().deaths()).isEqualTo(5);
        assertThat(app.crashLoop().within()).isEqualTo(Duration.ofSeconds(60));
        assertThat(app.stdout()).isEqualTo(new OutputConfig(OutputConfig.Mode.SINKS, List.of("console")));
        assertThat(app.stderr()).isEqualTo(new OutputConfig(OutputConfig.Mode.SINKS, List.of("console")));
        assertThat(app.stdin()).isEqualTo("null");
        assertThat(app.env()).isEmpty();
        assertThat(app.dependsOn().on()).isEmpty();
        assertThat(app.stop()).isEqualTo(c.kinesin().shutdown().stop());
        assertThat(c.kinesin().shutdown().signals()).containsExactly(Signal.TERM, Signal.KILL);
        assertThat(c.kinesin().shutdown().flush()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.kinesin().log().maxLine()).isEqualTo(new ByteSize(64 * 1024));
        assertThat(app.stdout().buffer()).isEqualTo(new io.kinesin.kernel.logbus.Output.Buffer(512, 256 * 1024, Duration.ZERO));
        assertThat(app.stdout().overflow()).isEqualTo(io.kinesin.kernel.logbus.Output.Overflow.BLOCK);
        assertThat(c.sinks()).containsOnlyKeys("console");
        assertThat(c.sinks().get("console").queue().bytes()).isEqualTo(new ByteSize(8 << 20));
    }

    @Test
    void stopDefaultsToKinesinShutdown() throws Exception {
        ConfigFile c = load("kinesin.yaml", """
                kinesin: { shutdown: { signals: [INT, KILL], timeout: 7s } }
                services: { app: { command: /bin/true } }
                """).config();
        assertThat(c.services().get("app").stop().signals()).containsExactly(Signal.INT, Signal.KILL);
        assertThat(c.services().get("app").stop().timeout()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void yamlsUnquotedNoIsThePolicyNo() throws Exception {
        ConfigFile c = load("kinesin.yaml", """
                services:
                  a: { command: /bin/true, restart: no }
                  b: { command: /bin/true, restart: "no" }
                  c: { command: /bin/true, restart: On-Failure }
                """).config();
        assertThat(c.services().get("a").restart()).isEqualTo(RestartPolicy.NO);
        assertThat(c.services().get("b").restart()).isEqualTo(RestartPolicy.NO);
        assertThat(c.services().get("c").restart()).isEqualTo(RestartPolicy.ON_FAILURE);
    }

    @Test
    void yamlsExplicitTagsStillMeanWhatTheySay() throws Exception {
        ConfigFile c = load("kinesin.yaml", "services: { a: { command: [/bin/true], replicas: !!int 3 } }").config();
        assertThat(c.services().get("a").replicas()).isEqualTo(3);
        assertThatThrownBy(() -> load("kinesin.yaml", "services: { a: { command: [/bin/echo, !!binary aGk=] } }"))
                .hasMessageContaining("services.a.command[1]: \"aGk=\" is not an argument; quote it as a string");
    }

    @Test
    void aStringCommandIsOneProgramWithNoArguments() throws Exception {
        ConfigFile c = load("kinesin.yaml", "services: { app: { command: \"/bin/echo hello\" } }").config();
        assertThat(c.services().get("app").command().args()).containsExactly("/bin/echo hello");
    }

    @ParameterizedTest
    @ValueSource(strings = {"yaml", "toml", "json"})
    void checkOutputReloadsToAnEqualConfig(String ext) throws Exception {
        Path file = Files.writeString(dir.resolve("kinesin." + ext), sample(ext));
        String normalized = ConfigLoader.normalized(ConfigCommands.read(file, ENV));
        Path again = Files.writeString(dir.resolve("normalized." + ext), normalized);
        ConfigLoader.Loaded reloaded = ConfigLoader.load(again, Map.of());
        assertThat(reloaded.config()).isEqualTo(ConfigLoader.load(file, Map.of()).config());
    }

    @ParameterizedTest
    @ValueSource(strings = {"yaml", "toml", "json"})
    void checkOutputOfAMinimalConfigShowsTheDefaultsAndReloads(String ext) throws Exception {
        String minimal = switch (ext) {
            case "yaml" -> "services: { app: { command: /bin/true } }";
            case "toml" -> "[services.app]\ncommand = \"/bin/true\"\n";
            default -> "{\"services\": {\"app\": {\"command\": \"/bin/true\"}}}";
        };
        Path file = Files.writeString(dir.resolve("kinesin." + ext), minimal);
        String normalized = ConfigLoader.normalized(ConfigCommands.read(file, ENV));
        assertThat(normalized).contains("replicas", "essential", "restart", "100ms", "30s",
                "crash-loop", "console", "TERM", "KILL");
        ConfigFile reloaded = ConfigLoader.load(Files.writeString(dir.resolve("again." + ext), normalized), Map.of()).config();
        assertThat(reloaded).isEqualTo(ConfigLoader.load(file, Map.of()).config());
        assertThat(reloaded.services().get("app").restart()).isEqualTo(RestartPolicy.NO);
    }

    @Test
    void checkOutputInYamlKeepsStringsThatLookLikeNumbers() throws Exception {
        assertYamlRoundTrip("""
                services:
                  app:
                    command: [/bin/echo, "1.10", "007"]
                    env: { VERSION: "1.10", ZIP: "007", HEX: "0x1F", BIG: "1e3" }
                """);
    }

    @Test
    void checkOutputInYamlKeepsStringsThatLookLikeBooleansOrNull() throws Exception {
        assertYamlRoundTrip("""
                services:
                  app:
                    command: [/bin/echo, "on", "null", "true"]
                    env: { DEBUG: "no", VERBOSE: "yes", QUIET: "off", NOTHING: "null", EMPTY: "" }
                    stdout: "null"
                    stderr: "null"
                """);
    }

    private void assertYamlRoundTrip(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("kinesin.yaml"), yaml);
        String normalized = ConfigLoader.normalized(ConfigCommands.read(file, ENV));
        ConfigFile reloaded = ConfigLoader.load(Files.writeString(dir.resolve("again.yaml"), normalized), Map.of()).config();
        assertThat(reloaded).as(normalized).isEqualTo(ConfigLoader.load(file, Map.of()).config());
    }
}
