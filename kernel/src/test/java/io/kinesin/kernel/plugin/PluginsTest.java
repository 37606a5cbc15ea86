package io.kinesin.kernel.plugin;

import io.kinesin.spi.contract.PluginJar;
import io.kinesin.kernel.config.ConfigException;
import io.kinesin.spi.Factory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static io.kinesin.spi.contract.PluginJar.sinkFactory;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loading real plugin jars, built by the test: good ones, and each way one can be broken. */
class PluginsTest {

    @Test
    void aGoodPluginProvidesItsKindsAndBrokenOnesHideNothing(@TempDir Path dir) throws Exception {
        PluginJar.named("good").source("t.good.Upper", sinkFactory("t.good", "Upper", "upper", ""))
                .extension("t.good.Upper").buildIn(dir);
        PluginJar.named("no-manifest").source("t.nm.A", sinkFactory("t.nm", "A", "a", ""))
                .extension("t.nm.A").withoutManifest().buildIn(dir);
        PluginJar.named("throws").source("t.th.B", sinkFactory("t.th", "B", "b", "throw new IllegalStateException(\"no config dir\");"))
                .extension("t.th.B").buildIn(dir);
        PluginJar.named("unlinked").source("t.ul.Missing", "package t.ul; public class Missing { }")
                .source("t.ul.C", sinkFactory("t.ul", "C", "c", "new Missing();"))
                .extension("t.ul.C").without("t.ul.Missing").buildIn(dir);
        PluginJar.named("forks").source("t.fk.D", sinkFactory("t.fk", "D", "d",
                        "try { new ProcessBuilder(\"true\").start(); } catch (Exception e) { }"))
                .extension("t.fk.D").buildIn(dir);
        PluginJar.named("nothing").source("t.no.E", "package t.no; public class E { }").buildIn(dir);

        try (Plugins p = Plugins.load(dir, false)) {
            assertThat(p.found()).extracting(Plugins.Found::jar).extracting(j -> j.getFileName().toString())
                    .containsExactly("forks.jar", "good.jar", "no-manifest.jar", "nothing.jar", "throws.jar", "unlinked.jar");
            Plugins.Found good = p.found().stream().filter(f -> f.id().equals("good")).findFirst().orElseThrow();
            assertThat(good.error()).isNull();
            assertThat(good.version()).isEqualTo("1.2.3");
            assertThat(good.kinds()).containsExactly("sink:upper");
            assertThat(p.types(PluginKind.SINK)).containsExactly("upper");
            Factory<?, ?> upper = p.factory(PluginKind.SINK, "upper").orElseThrow();
            assertThat(upper.configType().getSimpleName()).isEqualTo("Settings");
            assertThat(p.owner(upper)).isEqualTo("good");

            assertThat(error(p, "forks.jar")).contains("spawns processes").contains("java/lang/ProcessBuilder");
            assertThat(error(p, "no-manifest.jar")).as("no Plugin-Id: pf4j says so").containsIgnoringCase("plugin");
            assertThat(error(p, "nothing.jar")).contains("no extensions");
            assertThat(error(p, "throws.jar")).contains("no config dir");
            assertThat(error(p, "unlinked.jar")).contains("t.ul.Missing");
        }
    }

    @Test
    void aPluginSeesTheSpiButNotTheKernel(@TempDir Path dir) throws Exception {
        PluginJar.named("peeks").source("t.pk.F", sinkFactory("t.pk", "F", "f",
                        "try { Class.forName(\"io.kinesin.kernel.Main\"); throw new IllegalStateException(\"saw the kernel\"); }"
                                + " catch (ClassNotFoundException expected) { }"))
                .extension("t.pk.F").buildIn(dir);
        try (Plugins p = Plugins.load(dir, false)) {
            assertThat(p.broken()).isEmpty();
            Factory<?, ?> f = p.factory(PluginKind.SINK, "f").orElseThrow();
            assertThat(io.kinesin.spi.LogSinkFactory.class.isInstance(f)).as("the SPI type is kinesin's own").isTrue();
        }
    }

    @Test
    void twoPluginsCannotServeOneType(@TempDir Path dir) throws Exception {
        PluginJar.named("a-first").source("t.a.S", sinkFactory("t.a", "S", "same", "")).extension("t.a.S").buildIn(dir);
        PluginJar.named("b-second").source("t.b.S", sinkFactory("t.b", "S", "same", "")).extension("t.b.S").buildIn(dir);
        try (Plugins p = Plugins.load(dir, false)) {
            assertThat(error(p, "b-second.jar")).isEqualTo("IllegalStateException: sink:same is already provided by plugin a-first");
            assertThat(p.owner(p.factory(PluginKind.SINK, "same").orElseThrow())).isEqualTo("a-first");
        }
    }

    @Test
    void aHangingConstructorIsAbandonedAtTheDeadline(@TempDir Path dir) throws Exception {
        PluginJar.named("hangs").source("t.h.G", sinkFactory("t.h", "G", "g",
                "try { Thread.sleep(60_000); } catch (InterruptedException e) { }")).extension("t.h.G").buildIn(dir);
        PluginJar.named("fine").source("t.f.H", sinkFactory("t.f", "H", "h", "")).extension("t.f.H").buildIn(dir);
        try (Plugins p = Plugins.load(dir, false, Duration.ofMillis(300))) {
            assertThat(error(p, "hangs.jar")).contains("did not return within 300 ms");
            assertThat(p.types(PluginKind.SINK)).containsExactly("h");
        }
    }

    @Test
    void asRootADirOrJarOthersCanWriteIsRefused(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertThatThrownBy(() -> Plugins.load(plugins, true)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("plugins dir " + plugins).hasMessageContaining("writable by anyone");
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path jar = PluginJar.named("ok").source("t.o.I", sinkFactory("t.o", "I", "i", "")).extension("t.o.I").buildIn(plugins);
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThatThrownBy(() -> Plugins.load(plugins, true)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("plugin jar " + jar).hasMessageContaining("chmod go-w");
        Files.setPosixFilePermissions(jar, PosixFilePermissions.fromString("rw-r--r--"));
        try (Plugins p = Plugins.load(plugins, true)) {
            assertThat(p.types(PluginKind.SINK)).containsExactly("i");
        }
    }

    @Test
    void ownershipRules() {
        assertThat(Ownership.problem("root", "root", PosixFilePermissions.fromString("rwxrwxr-x"))).isNull();
        assertThat(Ownership.problem("root", "staff", PosixFilePermissions.fromString("rwxrwxr-x"))).contains("group staff");
        assertThat(Ownership.problem("nobody", "root", PosixFilePermissions.fromString("rwxr-xr-x"))).contains("owned by nobody");
    }

    private static String error(Plugins p, String jar) {
        List<Plugins.Found> f = p.found().stream().filter(x -> x.jar().getFileName().toString().equals(jar)).toList();
        assertThat(f).as(jar).hasSize(1);
        return f.getFirst().error();
    }
}
