package io.kinesin.kernel.config;

import io.kinesin.kernel.cli.Options;
import io.kinesin.kernel.logbus.SinkSpec;
import io.kinesin.spi.LineFormat;
import io.kinesin.kernel.supervise.Command;
import io.kinesin.kernel.supervise.RestartPolicy;
import io.kinesin.kernel.supervise.ServiceSpec;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A {@code kinesin.toml} written for the original Rust kinesin runs unchanged, mapped onto this model. */
class LegacyConfigTest {

    private static final List<byte[]> ENV = List.of(b("PATH=/usr/bin:/bin"), b("GREETING=inherited"), b("HOME=/root"));

    private static final String ORIGINAL = """
            [[service]]
            name = "pinger"
            exec = ["ping.sh", "-c", "1"]
            env = ["GREETING=hello", "TARGET=localhost"]
            stdout = { watch = true, read_bufsize = 1024, bus_bufsize = 16 }

            [[service]]
            name = "sidecar"
            exec = ["/bin/cat"]
            must_be_up = false
            stderr = { watch = false }

            [[consumer]]
            consumes.stdout = "pinger"
            kind = "stdout"

            [[consumer]]
            consumes.stderr = "pinger"
            kind.log = "pinger.log"

            [[consumer]]
            consumes.stdout = "sidecar"
            kind = "stderr"

            [[consumer]]
            consumes.stderr = "sidecar"
            kind = "stderr"
            """;

    @TempDir
    Path dir;

    private Path conf;

    @BeforeEach
    void configDirectoryWithAScript() throws Exception {
        conf = Files.createDirectory(dir.resolve("conf"));
        Path script = Files.writeString(conf.resolve("ping.sh"), "#!/bin/sh\necho pong\n");
        script.toFile().setExecutable(true);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> text(List<byte[]> entries) {
        return entries.stream().map(e -> new String(e, StandardCharsets.UTF_8)).toList();
    }

    private ConfigLoader.Loaded load(String toml) throws Exception {
        return ConfigLoader.load(Files.writeString(conf.resolve("kinesin.toml"), toml), ConfigCommands.text(ENV));
    }

    private Planner.Result plan(String toml) throws Exception {
        return ConfigCommands.plan(ConfigCommands.read(Files.writeString(conf.resolve("kinesin.toml"), toml), ENV), ENV, Options.NONE);
    }

    private String error(String toml) throws Exception {
        return ConfigErrorsTest.error(Files.writeString(conf.resolve("kinesin.toml"), toml), ENV);
    }

    @Test
    void theOriginalFormatIsRecognised() throws Exception {
        ConfigLoader.Loaded loaded = load(ORIGINAL);
        assertThat(loaded.legacy()).isTrue();
        assertThat(loaded.config().services()).containsOnlyKeys("pinger", "sidecar");
    }

    @Test
    void aBareExecNameRunsTheFileBesideTheConfig() throws Exception {
        Command c = plan(ORIGINAL).plan().service("pinger").command();
        assertThat(text(c.argv())).containsExactly(conf.resolve("ping.sh").toString(), "-c", "1");
    }

    @Test
    void aBareExecNameNotBesideTheConfigIsLookedUpInThePath() throws Exception {
        Command c = plan("""
                [[service]]
                name = "sleeper"
                exec = ["sleep", "1"]
                """).plan().service("sleeper").command();
        assertThat(text(c.argv())).containsExactly("sleep", "1");
    }

    @Test
    void mustBeUpIsEssentialAndDefaultsToTrue() throws Exception {
        Planner.Result r = plan(ORIGINAL);
        assertThat(r.plan().service("pinger").essential()).isTrue();
        assertThat(r.plan().service("sidecar").essential()).isFalse();
    }

    @Test
    void nothingRestarts() throws Exception {
        assertThat(plan(ORIGINAL).plan().services()).extracting(ServiceSpec::restart).containsOnly(RestartPolicy.NO);
    }

    @Test
    void envEntriesOverrideKinesinsEnvironment() throws Exception {
        Command c = plan(ORIGINAL).plan().service("pinger").command();
        assertThat(text(c.environment())).containsExactly("PATH=/usr/bin:/bin", "HOME=/root", "GREETING=hello", "TARGET=localhost");
        assertThat(text(plan(ORIGINAL).plan().service("sidecar").command().environment()))
                .containsExactly("PATH=/usr/bin:/bin", "GREETING=inherited", "HOME=/root");
    }

    @Test
    void consumersBecomeRawSinks() throws Exception {
        Planner.Result r = plan(ORIGINAL);
        assertThat(r.sinks()).containsExactlyInAnyOrder(
                SinkSpec.CONSOLE,
                new SinkSpec("stdout", 1, LineFormat.RAW),
                new SinkSpec("stderr", 2, LineFormat.RAW));
        // kind.log is the file-sink plugin's kind, raw, its path from the config's directory as written
        ConfigLoader.PluginUse log = load(ORIGINAL).pluginSinks().get("log-1");
        assertThat(log.type()).isEqualTo("file");
        assertThat(log.options()).containsOnlyKeys("path", "format");
        assertThat(log.options().get("path").textValue()).isEqualTo("pinger.log");
        assertThat(log.options().get("format").textValue()).isEqualTo("raw");
        Command pinger = r.plan().service("pinger").command();
        assertThat(pinger.stdout()).isEqualTo(new Command.Output.Sinks(List.of("stdout")));
        assertThat(pinger.stderr()).isEqualTo(new Command.Output.Sinks(List.of("log-1")));
        assertThat(r.plan().service("sidecar").command().stdout()).isEqualTo(new Command.Output.Sinks(List.of("stderr")));
    }

    @Test
    void anUnwatchedStreamGoesToDevNullEvenWithAConsumer() throws Exception {
        assertThat(plan(ORIGINAL).plan().service("sidecar").command().stderr()).isEqualTo(Command.Output.NULL);
    }

    @Test
    void anUnconsumedStreamGoesToDevNull() throws Exception {
        Command c = plan("""
                [[service]]
                name = "quiet"
                exec = ["/bin/true"]
                """).plan().service("quiet").command();
        assertThat(c.stdout()).isEqualTo(Command.Output.NULL);
        assertThat(c.stderr()).isEqualTo(Command.Output.NULL);
    }

    @Test
    void twoConsumersOfOneStreamBothGetIt() throws Exception {
        Command c = plan("""
                [[service]]
                name = "app"
                exec = ["/bin/true"]

                [[consumer]]
                consumes.stdout = "app"
                kind = "stdout"

                [[consumer]]
                consumes.stdout = "app"
                kind.log = "app.log"
                """).plan().service("app").command();
        assertThat(c.stdout()).isEqualTo(new Command.Output.Sinks(List.of("stdout", "log-1")));
    }

    @Test
    void versionOneIsAccepted() throws Exception {
        assertThat(load("version = 1\n" + ORIGINAL).legacy()).isTrue();
    }

    @Test
    void checkOutputIsTheNewFormatAndReloadsEqual() throws Exception {
        Path file = Files.writeString(conf.resolve("kinesin.toml"), ORIGINAL);
        String normalized = ConfigLoader.normalized(ConfigCommands.read(file, ENV));
        ConfigLoader.Loaded again = ConfigLoader.load(Files.writeString(conf.resolve("normalized.toml"), normalized), Map.of());
        assertThat(again.legacy()).isFalse();
        assertThat(again.config()).isEqualTo(ConfigLoader.load(file, ConfigCommands.text(ENV)).config());
    }

    @Test
    void aConsumerOfAnUnknownServiceIsAnErrorWithItsPath() throws Exception {
        assertThat(error(ORIGINAL.replace("consumes.stdout = \"pinger\"", "consumes.stdout = \"pinge\"")))
                .isEqualTo("consumer[0].consumes.stdout: no service \"pinge\"; did you mean \"pinger\"?");
        assertThat(error(ORIGINAL.replace("consumes.stderr = \"sidecar\"", "consumes.stderr = \"database\"")))
                .isEqualTo("consumer[3].consumes.stderr: no service \"database\"");
    }

    @Test
    void aConsumerWithAnUnknownKind() throws Exception {
        assertThat(error(ORIGINAL.replace("kind = \"stdout\"", "kind = \"syslog\"")))
                .isEqualTo("consumer[0].kind: expected kind = \"stdout\", kind = \"stderr\" or kind.log = \"path\"");
    }

    @Test
    void aConsumerThatConsumesNothing() throws Exception {
        assertThat(error(ORIGINAL.replace("consumes.stdout = \"pinger\"", "consumes.stdin = \"pinger\"")))
                .isEqualTo("consumer[0].consumes: expected consumes.stdout = \"service\" or consumes.stderr = \"service\"");
    }

    @Test
    void aServiceWithoutExecOrName() throws Exception {
        assertThat(error("[[service]]\nname = \"app\"\n"))
                .isEqualTo("service[0].exec: every [[service]] needs exec, e.g. exec = [\"/usr/bin/app\", \"--flag\"]");
        assertThat(error("[[service]]\nexec = [\"/bin/true\"]\n")).isEqualTo("service[0].name: every [[service]] needs a name");
    }

    @Test
    void twoServicesWithOneName() throws Exception {
        assertThat(error("[[service]]\nname = \"a\"\nexec = [\"/bin/true\"]\n\n[[service]]\nname = \"a\"\nexec = [\"/bin/true\"]\n"))
                .isEqualTo("service[1].name: two services are named \"a\"");
    }

    @Test
    void anEnvEntryThatIsNotKeyValue() throws Exception {
        assertThat(error(ORIGINAL.replace("\"TARGET=localhost\"", "\"TARGET\"")))
                .isEqualTo("service[0].env[1]: \"TARGET\" is not KEY=VALUE");
    }

    @Test
    void anUnknownKeySuggestsTheNearest() throws Exception {
        assertThat(error(ORIGINAL.replace("must_be_up", "must_be_upp")))
                .isEqualTo("service[1].must_be_upp: unknown key; did you mean \"must_be_up\"?");
    }

    @Test
    void aBadBufferSize() throws Exception {
        assertThat(error(ORIGINAL.replace("read_bufsize = 1024", "read_bufsize = 0")))
                .isEqualTo("service[0].stdout.read_bufsize: 0 is too small; expected a size in bytes >= 1");
    }

    @Test
    void anUnknownVersion() throws Exception {
        assertThat(error("version = 2\n" + ORIGINAL)).isEqualTo("version: 2 is not a version of this format; expected 1");
    }

    @Test
    void aMissingProgramIsReportedWithTheServiceName() throws Exception {
        assertThat(error("[[service]]\nname = \"app\"\nexec = [\"no-such-program-here\"]\n"))
                .contains("app").endsWith(": \"no-such-program-here\" not found (ENOENT)");
    }
}
