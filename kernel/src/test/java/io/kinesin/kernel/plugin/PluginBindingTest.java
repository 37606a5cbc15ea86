package io.kinesin.kernel.plugin;

import io.kinesin.spi.contract.PluginJar;
import io.kinesin.kernel.config.ConfigCommands;
import io.kinesin.kernel.config.ConfigException;
import io.kinesin.kernel.config.ConfigLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.kinesin.spi.contract.PluginJar.sinkFactory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A config naming a plugin's kind, against a real plugin jar: bound with kinesin's own rules. */
class PluginBindingTest {

    private static final List<byte[]> ENV = List.of("PATH=/usr/bin:/bin".getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path dir;
    Path plugins;

    @BeforeEach
    void upperPlugin() throws Exception {
        plugins = Files.createDirectory(dir.resolve("plugins"));
        PluginJar.named("upper-sink").source("t.up.Upper", sinkFactory("t.up", "Upper", "upper", "")).extension("t.up.Upper")
                .buildIn(plugins);
    }

    private ConfigLoader.Loaded config(String sinks) throws Exception {
        Path file = Files.writeString(dir.resolve("kinesin.yaml"), "kinesin: { plugins: { dir: " + plugins + " } }\n"
                + "sinks:\n" + sinks + "services: { web: { command: /bin/true, stdout: { sinks: [s] } } }\n");
        return ConfigCommands.read(file, ENV);
    }

    private String error(String sinks) throws Exception {
        ConfigLoader.Loaded loaded = config(sinks);
        return catchThrowableOfType(ConfigException.class, () -> PluginBinding.bind(loaded, null)).getMessage();
    }

    @Test
    void aPluginsKeysAreBoundAndPrintedNormalized() throws Exception {
        try (PluginBinding.Bound b = PluginBinding.bind(config("  s: { type: upper, path: /tmp/u.log }\n"), null)) {
            assertThat(b.sinks()).containsOnlyKeys("s");
            assertThat(b.sinks().get("s").plugin()).isEqualTo("upper-sink");
            assertThat(b.sinks().get("s").config().toString()).isEqualTo("Settings[path=/tmp/u.log, keep=0]");
            assertThat(ConfigLoader.normalized(b.normalized())).contains("type: upper", "path: /tmp/u.log", "keep: 0");
        }
    }

    @Test
    void aKindsDefaultQueueAppliesWhereTheConfigSetsNone() throws Exception {
        String patient = sinkFactory("t.lq", "Patient", "patient", "")
                .replace("public String type()", "public java.util.OptionalLong defaultQueueBytes() { return java.util.OptionalLong.of(16L << 20); }\n"
                        + "    public String type()");
        PluginJar.named("patient-sink").source("t.lq.Patient", patient).extension("t.lq.Patient").buildIn(plugins);
        try (PluginBinding.Bound b = PluginBinding.bind(config("  s: { type: patient, path: /x }\n  t: { type: patient, path: /y, queue: { bytes: 1MiB } }\n"
                + "  u: { type: upper, path: /z }\n"), null)) {
            String normalized = ConfigLoader.normalized(b.normalized());
            assertThat(normalized).containsSubsequence("s:", "bytes: 16MiB", "t:", "bytes: 1MiB", "u:", "bytes: 8MiB");
            assertThat(ConfigCommands.plan(b.normalized(), ENV, io.kinesin.kernel.cli.Options.NONE).bus().queueBytes().get("s"))
                    .isEqualTo(16 << 20);
        }
    }

    @Test
    void itsErrorsNameTheirPathAsKinesinsOwnDo() throws Exception {
        assertThat(error("  s: { type: upper, path: /x, keep: five }\n")).isEqualTo("sinks.s.keep: \"five\" is not a whole number");
        assertThat(error("  s: { type: upper, path: /x, kep: 1 }\n")).isEqualTo("sinks.s.kep: unknown key; did you mean \"keep\"?");
        assertThat(error("  s: { type: upper, path: /x, keep: -1 }\n")).isEqualTo("sinks.s.keep: must be 0 or more");
    }

    @Test
    void aKindNoPluginProvidesNamesTheKindsThatExist() throws Exception {
        assertThat(error("  s: { type: uper }\n")).isEqualTo("sinks.s.type: unknown sink type \"uper\"; did you mean \"upper\"? "
                + "(the kinds there are: console, upper; plugins come from " + plugins + ")");
    }

    @Test
    void aBrokenJarInTheDirIsAConfigErrorNamingIt() throws Exception {
        Files.writeString(plugins.resolve("broken.jar"), "not a jar");
        assertThat(error("  s: { type: upper }\n")).startsWith("plugin " + plugins.resolve("broken.jar") + ": not a readable jar");
    }

    @Test
    void aConfigWithoutPluginKindsLoadsNoPlugin() throws Exception {
        Files.writeString(plugins.resolve("broken.jar"), "not a jar");
        Path file = Files.writeString(dir.resolve("plain.yaml"), "services: { web: { command: /bin/true } }\n");
        try (PluginBinding.Bound b = PluginBinding.bind(ConfigCommands.read(file, ENV), plugins.toString())) {
            assertThat(b.plugins()).isNull();
        }
    }
}
