package io.kinesin.hooks;

import io.kinesin.spi.contract.ConfigBinding;
import io.kinesin.spi.Death;
import io.kinesin.spi.DeathHook;
import io.kinesin.spi.DeathHookFactory;
import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.PluginContext;
import io.kinesin.spi.contract.Contexts;
import io.kinesin.spi.contract.ProcessSpawner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginState;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar, as the kernel will meet it: loaded by a real pf4j plugin manager from a
 * plugins directory, its two kinds found, each config bound with Jackson (its headers printed
 * redacted) and each hook delivering a death to a real destination; and nothing in the jar but
 * its own classes. (That no class in it forks is the distribution's NoProcessBuilderIT.)
 */
class AlertHooksPluginIT {

    private static final Path JAR = Path.of(System.getProperty("plugin.jar"));

    @TempDir
    Path dir;

    @Test
    void pf4jLoadsThePluginAndEachKindDelivers() throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Files.copy(JAR, plugins.resolve(JAR.getFileName()));
        DefaultPluginManager manager = new DefaultPluginManager(plugins);
        manager.setSystemVersion("0.1.0-SNAPSHOT"); // Plugin-Requires is checked against it
        ProcessSpawner spawner = new ProcessSpawner();
        Path written = dir.resolve("death.txt");
        try (Receiver receiver = new Receiver()) {
            manager.loadPlugins();
            manager.startPlugins();
            assertThat(manager.getPlugin("alert-hooks").getPluginState()).isEqualTo(PluginState.STARTED);
            @SuppressWarnings("rawtypes")
            List<DeathHookFactory> factories = manager.getExtensions(DeathHookFactory.class, "alert-hooks");
            assertThat(factories).extracting(f -> f.getClass().getName())
                    .containsExactlyInAnyOrder("io.kinesin.hooks.ExecHookFactory", "io.kinesin.hooks.WebhookFactory");
            Map<String, String> configs = Map.of(
                    "exec", "{\"command\":[\"/bin/sh\",\"-c\",\"echo $KINESIN_SERVICE $KINESIN_EXIT_CODE > " + written + "\"],\"timeout\":\"5s\"}",
                    "webhook", "{\"url\":\"" + receiver.url("/ok") + "\",\"headers\":{\"Authorization\":\"Bearer s3cret\"},\"timeout\":\"5s\"}");
            Death death = new Death("web", 0, 4242, ExitStatus.exited(3), 1, true, "backoff", Instant.parse("2026-11-22T02:13:00Z"), 0);
            for (DeathHookFactory<?> factory : factories) {
                assertThat(factory.getClass().getClassLoader()).isSameAs(manager.getPluginClassLoader("alert-hooks"));
                Object config = ConfigBinding.bind(configs.get(factory.type()), factory.configType());
                assertThat(ConfigBinding.print(config)).doesNotContain("s3cret");
                try (DeathHook hook = create(factory, config, Contexts.spawningWith(spawner))) {
                    hook.onDeath(death);
                }
            }
            assertThat(written).content().isEqualTo("web 3\n");
            Receiver.Request posted = receiver.next();
            assertThat(posted.json().get("exit_code").intValue()).isEqualTo(3);
            assertThat(posted.headers().getFirst("Authorization")).isEqualTo("Bearer s3cret");
        } finally {
            spawner.killAll();
            manager.unloadPlugins(); // stops each first; pf4j 3.15's stopPlugins() throws ConcurrentModificationException
        }
    }

    @Test
    void theJarHoldsOnlyItsOwnClasses() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Plugin-Id")).isEqualTo("alert-hooks");
            assertThat(jar.getManifest().getMainAttributes().getValue("Plugin-Requires")).isEqualTo("0.x");
            assertThat(jar.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class")).toList())
                    .isNotEmpty().allMatch(n -> n.startsWith("io/kinesin/hooks/"));
        }
    }

    @SuppressWarnings("unchecked")
    private static DeathHook create(DeathHookFactory<?> factory, Object config, PluginContext context) throws Exception {
        return ((DeathHookFactory<Object>) factory).create(config, context);
    }
}
