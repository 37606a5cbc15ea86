package io.kinesin.kernel.config;

import io.kinesin.kernel.cli.Options;
import io.kinesin.kernel.logbus.BusSettings;
import io.kinesin.kernel.logbus.Output;
import io.kinesin.kernel.logbus.SinkSpec;
import io.kinesin.kernel.process.Accounts;
import io.kinesin.kernel.supervise.Command;
import io.kinesin.kernel.supervise.Condition;
import io.kinesin.kernel.supervise.RestartPolicy;
import io.kinesin.kernel.supervise.ServiceSpec;
import io.kinesin.spi.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** From a loaded config to what the supervisor runs: environments, paths, users, checked against real files. */
class PlannerTest {

    private static final List<byte[]> ENV = env("PATH=/usr/bin:/bin", "HOME=/root", "LANG=C.UTF-8");

    @TempDir
    Path dir;

    private static List<byte[]> env(String... entries) {
        return java.util.Arrays.stream(entries).map(e -> e.getBytes(StandardCharsets.UTF_8)).toList();
    }

    private static List<String> text(List<byte[]> entries) {
        return entries.stream().map(e -> new String(e, StandardCharsets.UTF_8)).toList();
    }

    private Planner.Result plan(Path file, List<byte[]> environment) throws Exception {
        ConfigLoader.Loaded loaded = ConfigLoader.load(file, ConfigCommands.text(environment));
        return Planner.plan(loaded, environment, Options.NONE);
    }

    private Planner.Result plan(String yaml) throws Exception {
        return plan(Files.writeString(dir.resolve("kinesin.yaml"), yaml), ENV);
    }

    private static Command command(Planner.Result result, String service) {
        return result.plan().service(service).command();
    }

    @Test
    void aServiceWithoutEnvGetsKinesinsEnvironmentUnchanged() throws Exception {
        Command c = command(plan("services: { web: { command: /bin/true } }"), "web");
        assertThat(text(c.environment())).containsExactly("PATH=/usr/bin:/bin", "HOME=/root", "LANG=C.UTF-8");
        assertThat(c.identify()).as("KINESIN_SERVICE and KINESIN_INSTANCE are added").isTrue();
    }

    @Test
    void envIsAddedAfterKinesinsEnvironmentAndOverridesIt() throws Exception {
        Command c = command(plan("services: { web: { command: /bin/true, env: { TZ: UTC, HOME: /srv, PORT: 8080 } } }"), "web");
        assertThat(text(c.environment())).containsExactly("PATH=/usr/bin:/bin", "LANG=C.UTF-8", "TZ=UTC", "HOME=/srv", "PORT=8080");
    }

    @Test
    void theEnvFileComesBeforeEnvWhichWins() throws Exception {
        Files.writeString(dir.resolve("web.env"), """
                # settings for web
                DB_HOST=db

                export LANG=de_DE.UTF-8
                MODE="from file"
                LEVEL='quiet'
                """);
        Command c = command(plan("services: { web: { command: /bin/true, env-file: web.env, env: { MODE: from-env, EXTRA: x } } }"), "web");
        assertThat(text(c.environment())).containsExactly("PATH=/usr/bin:/bin", "HOME=/root",
                "DB_HOST=db", "LANG=de_DE.UTF-8", "MODE=from-env", "LEVEL=quiet", "EXTRA=x");
    }

    @Test
    void envFileValuesKeepEverythingButOuterQuotes() throws Exception {
        Files.writeString(dir.resolve("app.env"), """
                URL=postgres://u:p@db/x?a=b
                SPACED="  two  spaces  "
                MIXED="not closed'
                HASH=a#b
                DOLLAR=$HOME
                EMPTY=
                  INDENTED=yes
                """);
        Command c = command(plan("services: { web: { command: /bin/true, env-file: app.env } }"), "web");
        assertThat(text(c.environment())).contains("URL=postgres://u:p@db/x?a=b", "SPACED=  two  spaces  ",
                "MIXED=\"not closed'", "HASH=a#b", "DOLLAR=$HOME", "EMPTY=", "INDENTED=yes");
    }

    @Test
    void eachServiceHasItsOwnEnvironment() throws Exception {
        Planner.Result r = plan("""
                services:
                  a: { command: /bin/true, env: { WHO: a } }
                  b: { command: /bin/true }
                """);
        assertThat(text(command(r, "a").environment())).contains("WHO=a");
        assertThat(text(command(r, "b").environment())).noneMatch(e -> e.startsWith("WHO="));
    }

    @Test
    void relativePathsAreRelativeToTheConfigFilesDirectory() throws Exception {
        Path conf = Files.createDirectory(dir.resolve("conf"));
        Files.createDirectory(conf.resolve("www"));
        Files.createDirectory(conf.resolve("logs"));
        Files.writeString(conf.resolve("web.env"), "FROM_FILE=1\n");
        Files.writeString(conf.resolve("input.txt"), "hello\n");
        Path file = Files.writeString(conf.resolve("kinesin.yaml"), """
                sinks: { applog: { type: file, path: logs/app.log } }
                services:
                  web:
                    command: /bin/cat
                    workdir: www
                    env-file: web.env
                    stdin: file:input.txt
                    stdout: { sinks: [applog] }
                """);
        Planner.Result r = plan(file, ENV);
        Command c = command(r, "web");
        assertThat(new String(c.workdir(), StandardCharsets.UTF_8)).isEqualTo(conf.resolve("www").toString());
        assertThat(text(c.environment())).contains("FROM_FILE=1");
        assertThat(c.stdin()).isEqualTo(new Command.Input.File(conf.resolve("input.txt").toString()));
        assertThat(c.stdout()).isEqualTo(new Command.Output.Sinks(List.of("applog")));
        assertThat(r.sinks()).extracting(SinkSpec::name).containsExactly("console"); // applog is the file-sink plugin's to make
    }

    @Test
    void theBusGetsEachSinksQueueEachStreamsBufferAndOverflowMaxLineAndTheFlush() throws Exception {
        Planner.Result r = plan("""
                kinesin:
                  log: { max-line: 4KiB }
                  shutdown: { flush: 750ms }
                sinks:
                  applog: { type: file, path: app.log, queue: { bytes: 1MiB } }
                services:
                  web:
                    command: /bin/true
                    stdout: { sinks: [console, applog], buffer: { lines: 10, bytes: 1KiB, flush: 50ms }, overflow: drop }
                  quiet:
                    command: /bin/true
                    stderr: "null"
                """);
        BusSettings bus = r.bus();
        assertThat(bus.maxLine()).isEqualTo(4096);
        assertThat(bus.queueBytes()).containsEntry("applog", 1 << 20).containsEntry("console", BusSettings.DEFAULT_QUEUE_BYTES);
        assertThat(bus.outputs().get(new BusSettings.Route("web", Stream.STDOUT))).isEqualTo(new Output(List.of("console", "applog"),
                new Output.Buffer(10, 1024, Duration.ofMillis(50)), Output.Overflow.DROP));
        assertThat(bus.outputs().get(new BusSettings.Route("web", Stream.STDERR))).isEqualTo(Output.to(List.of("console")));
        assertThat(bus.outputs()).doesNotContainKey(new BusSettings.Route("quiet", Stream.STDERR));
        assertThat(r.logFlush()).isEqualTo(Duration.ofMillis(750));
        assertThat(plan("services: { web: { command: /bin/true } }").logFlush()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aDotSlashCommandIsTheFileBesideTheConfig() throws Exception {
        Path conf = Files.createDirectory(dir.resolve("conf"));
        Path script = Files.writeString(conf.resolve("start.sh"), "#!/bin/sh\nexit 0\n");
        script.toFile().setExecutable(true);
        Path file = Files.writeString(conf.resolve("kinesin.toml"), "[services.web]\ncommand = [\"./start.sh\", \"--fast\"]\n");
        Command c = command(plan(file, ENV), "web");
        assertThat(text(c.argv())).containsExactly(script.toString(), "--fast");
    }

    @Test
    void aBareProgramNameIsLeftForThePathSearch() throws Exception {
        Command c = command(plan("services: { web: { command: [sleep, 1] } }"), "web");
        assertThat(text(c.argv())).containsExactly("sleep", "1");
    }

    @Test
    void absolutePathsAreKept() throws Exception {
        Files.createDirectory(dir.resolve("abs"));
        Command c = command(plan("services: { web: { command: /bin/true, workdir: " + dir.resolve("abs") + " } }"), "web");
        assertThat(new String(c.workdir(), StandardCharsets.UTF_8)).isEqualTo(dir.resolve("abs").toString());
    }

    @Test
    void theServiceSettingsReachThePlan() throws Exception {
        Planner.Result r = plan("""
                services:
                  db: { command: /bin/true, restart: always, essential: false }
                  web:
                    command: /bin/true
                    replicas: 3
                    restart: on-failure
                    backoff: { initial: 1s, max: 10s, factor: 3 }
                    crash-loop: { deaths: 2, within: 5s }
                    depends-on: { db: ready }
                    stop: { signals: [QUIT, KILL], timeout: 4s }
                    stdin: inherit
                    stderr: "null"
                """);
        ServiceSpec web = r.plan().service("web");
        assertThat(web.replicas()).isEqualTo(3);
        assertThat(web.essential()).isTrue();
        assertThat(web.restart()).isEqualTo(RestartPolicy.ON_FAILURE);
        assertThat(web.backoff().initial()).isEqualTo(Duration.ofSeconds(1));
        assertThat(web.backoff().factor()).isEqualTo(3.0);
        assertThat(web.crashLoop().deaths()).isEqualTo(2);
        assertThat(web.dependsOn()).containsExactly(Map.entry("db", Condition.READY));
        assertThat(web.stop().timeout()).isEqualTo(Duration.ofSeconds(4));
        assertThat(web.command().stdin()).isEqualTo(Command.Input.INHERIT);
        assertThat(web.command().stdout()).isEqualTo(new Command.Output.Sinks(List.of("console")));
        assertThat(web.command().stderr()).isEqualTo(Command.Output.NULL);
        assertThat(r.plan().service("db").essential()).isFalse();
        assertThat(r.plan().services()).extracting(ServiceSpec::name).containsExactly("db", "web");
    }

    @Test
    void theConsoleSinkAlwaysExists() throws Exception {
        Planner.Result r = plan("services: { web: { command: /bin/true } }");
        assertThat(r.sinks()).containsExactly(SinkSpec.CONSOLE);
    }

    @Test
    void userNobodyIsPlannedToItsUid() throws Exception {
        assumeTrue(Accounts.effectiveUid() == 0, "switching users needs root");
        Command.UserSpec user = command(plan("services: { web: { command: /bin/true, user: nobody } }"), "web").user();
        assertThat(user).isNotNull();
        assertThat(user.uid()).isEqualTo(65534);
        assertThat(user.spec()).isEqualTo("nobody");
        assertThat(new String(user.setpriv(), StandardCharsets.UTF_8)).endsWith("setpriv");
    }

    @Test
    void aNumericUserNeedsNoAccount() throws Exception {
        assumeTrue(Accounts.effectiveUid() == 0, "switching users needs root");
        Command.UserSpec user = command(plan("services: { web: { command: /bin/true, user: \"4321:4322\" } }"), "web").user();
        assertThat(user.uid()).isEqualTo(4321);
        assertThat(user.gid()).isEqualTo(4322);
    }

    @Test
    void withoutUserTheServiceRunsAsKinesin() throws Exception {
        assertThat(command(plan("services: { web: { command: /bin/true } }"), "web").user()).isNull();
    }

    @Test
    void kinesinsLogSettingsComeFromTheConfig() throws Exception {
        Planner.Result r = plan("kinesin: { log: { format: json, level: warn, output: stdout } }\nservices: { web: { command: /bin/true } }");
        assertThat(r.logFormat()).isEqualTo(io.kinesin.kernel.log.Log.Format.JSON);
        assertThat(r.logLevel()).isEqualTo(io.kinesin.kernel.log.Log.Level.WARN);
        assertThat(r.logToStdout()).isTrue();
    }
}
