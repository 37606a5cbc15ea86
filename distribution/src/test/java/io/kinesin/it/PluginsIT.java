package io.kinesin.it;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plugins end to end: the distribution's own plugins dir, the example third-party plugin built
 * from samples/plugin-example with its own pom and dropped into a plugins dir, and a dir that
 * kinesin (root) must refuse.
 */
class PluginsIT {

    static final Path SAMPLE = Path.of(System.getProperty("kinesin.samples", "../samples"), "plugin-example").toAbsolutePath();
    private static Path upperJar;

    /** Builds the sample as a third party would: its own pom, against the spi the project's build installed. */
    @BeforeAll
    static void buildTheExamplePlugin(@TempDir Path out) throws Exception {
        Path log = out.resolve("mvn.log");
        List<String> mvn = new ArrayList<>(List.of("mvn", "-B", "-q", "-f", SAMPLE.resolve("pom.xml").toString(), "package"));
        Process p = new ProcessBuilder(mvn).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the example plugin builds within 5 minutes").isTrue();
        assertThat(p.exitValue()).as("mvn -f samples/plugin-example package:\n%s", Files.readString(log)).isZero();
        upperJar = SAMPLE.resolve("target/upper-sink.jar");
        assertThat(upperJar).isRegularFile();
    }

    @Test
    void theDistributionListsItsOwnPlugins() throws Exception {
        Kinesin.Result r = Kinesin.args("plugins").run();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.stdout()).matches("(?ms).*^file-sink \\S+ file-sink\\.jar sink:file$.*");
        assertThat(r.stdout()).matches("(?ms).*^loki-sink \\S+ loki-sink\\.jar sink:loki$.*");
        assertThat(r.stdout()).matches("(?ms).*^probes \\S+ probes\\.jar check:exec check:http check:tcp$.*");
        assertThat(r.stdout()).matches("(?ms).*^alert-hooks \\S+ alert-hooks\\.jar hook:exec hook:webhook$.*");
        assertThat(r.stdout()).matches("(?ms).*^ruby-preload \\S+ ruby-preload\\.jar launcher:ruby-preload$.*");
        assertThat(r.stderr()).isEmpty();
    }

    @Test
    void theExamplePluginRunsFromADropInDir(@TempDir Path dir) throws Exception {
        Path plugins = pluginsDir(dir);
        Files.copy(upperJar, plugins.resolve("upper-sink.jar"));
        Path shout = dir.resolve("shout.log");

        Kinesin.Result listed = Kinesin.args("plugins", "--plugins-dir", plugins.toString()).run();
        assertThat(listed.stdout()).isEqualTo("upper-sink 1.0.0 upper-sink.jar sink:upper\n");

        Kinesin.Result r = Kinesin.args("run", SAMPLE.resolve("kinesin.yaml").toString())
                .env("KINESIN_PLUGINS", plugins.toString()).env("SHOUT_LOG", shout.toString()).run();
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(r.stdout()).contains("hello | hello from the example plugin, line 3");
        assertThat(Files.readAllLines(shout)).containsExactly("HELLO FROM THE EXAMPLE PLUGIN, LINE 1",
                "HELLO FROM THE EXAMPLE PLUGIN, LINE 2", "HELLO FROM THE EXAMPLE PLUGIN, LINE 3");
    }

    @Test
    void aBrokenJarIsNamedAndHidesNoOther(@TempDir Path dir) throws Exception {
        Path plugins = pluginsDir(dir);
        Files.copy(upperJar, plugins.resolve("upper-sink.jar"));
        Files.writeString(plugins.resolve("half-copied.jar"), "PK\u0003\u0004 not really");
        Kinesin.Result r = Kinesin.args("plugins", "--plugins-dir", plugins.toString()).run();
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.stdout()).contains("upper-sink 1.0.0 upper-sink.jar sink:upper\n")
                .containsPattern("half-copied - half-copied\\.jar error: .+");

        Kinesin.Result check = Kinesin.args("check", SAMPLE.resolve("kinesin.yaml").toString())
                .env("KINESIN_PLUGINS", plugins.toString()).run();
        assertThat(check.status()).isEqualTo(2);
        assertThat(check.stderr()).startsWith("plugin " + plugins.resolve("half-copied.jar") + ": ");
    }

    @Test
    void asRootAPluginsDirOthersCanWriteIsRefused(@TempDir Path dir) throws Exception {
        Path plugins = pluginsDir(dir);
        Files.copy(upperJar, plugins.resolve("upper-sink.jar"));
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxrwxrwx"));
        Kinesin.Result r = Kinesin.args("run", SAMPLE.resolve("kinesin.yaml").toString())
                .env("KINESIN_PLUGINS", plugins.toString()).env("SHOUT_LOG", dir.resolve("x.log").toString()).run();
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.stderr()).isEqualTo("plugins dir " + plugins + ": is writable by anyone (mode o+w); kinesin runs as root "
                + "and would run its code: chown root:root it and chmod go-w it (e.g. chmod 755 for the dir, 644 for jars)\n");
        assertThat(r.stdout()).as("nothing started").isEmpty();
    }

    private static Path pluginsDir(Path dir) throws IOException {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return plugins;
    }
}
