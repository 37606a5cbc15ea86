package io.kinesin.probes;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kinesin.spi.HealthCheck;
import io.kinesin.spi.HealthCheckFactory;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar, as the kernel will meet it: loaded by a real pf4j plugin manager from a
 * plugins directory, its three kinds found, each config bound with Jackson and each check
 * passing against a real target; and nothing in the jar but its own classes. (That no class
 * in it forks is the distribution's NoProcessBuilderIT, over every jar of the install tree,
 * and kinesin's own scan at load.)
 */
class ProbesPluginIT {

    private static final Path JAR = Path.of(System.getProperty("plugin.jar"));
    private static final List<String> FACTORIES = List.of(ExecCheckFactory.class.getName(), HttpCheckFactory.class.getName(),
            TcpCheckFactory.class.getName());

    @TempDir
    Path dir;

    @Test
    void pf4jLoadsThePluginAndEachKindChecks() throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Files.copy(JAR, plugins.resolve(JAR.getFileName()));
        DefaultPluginManager manager = new DefaultPluginManager(plugins);
        manager.setSystemVersion("0.1.0-SNAPSHOT"); // Plugin-Requires is checked against it
        ProcessSpawner spawner = new ProcessSpawner();
        try (WebServer web = new WebServer(); Servers servers = new Servers()) {
            manager.loadPlugins();
            manager.startPlugins();
            assertThat(manager.getPlugin("probes").getPluginState()).isEqualTo(PluginState.STARTED);
            assertThat(manager.getPlugin("probes").getDescriptor()).satisfies(d -> {
                assertThat(d.getVersion()).isEqualTo("0.1.0-SNAPSHOT");
                assertThat(d.getProvider()).isEqualTo("kinesin");
            });
            @SuppressWarnings("rawtypes")
            List<HealthCheckFactory> factories = manager.getExtensions(HealthCheckFactory.class, "probes");
            assertThat(factories).extracting(f -> f.getClass().getName()).containsExactlyInAnyOrderElementsOf(FACTORIES);
            assertThat(factories).extracting(f -> f.type()).containsExactlyInAnyOrder("exec", "http", "tcp");
            Map<String, String> configs = Map.of(
                    "exec", "{\"command\":[\"/bin/true\"]}",
                    "http", "{\"url\":\"" + web.url("/ok") + "\"}",
                    "tcp", "{\"address\":\"" + Servers.address(servers.accepting()) + "\"}");
            for (HealthCheckFactory<?> factory : factories) {
                assertThat(factory.getClass().getClassLoader()).isSameAs(manager.getPluginClassLoader("probes"));
                Object config = new ObjectMapper().readValue(configs.get(factory.type()), factory.configType());
                try (HealthCheck check = create(factory, config, Contexts.spawningWith(spawner))) {
                    HealthCheck.Result result = check.check(new HealthCheck.Target("web", 0, 1, Map.of(), null), Duration.ofSeconds(5));
                    assertThat(result.passed()).as("%s: %s", factory.type(), result).isTrue();
                }
            }
        } finally {
            spawner.killAll();
            manager.unloadPlugins(); // stops each first; pf4j 3.15's stopPlugins() throws ConcurrentModificationException
        }
    }

    /** pf4j reads the manifest and the index above; what it would not notice is a class bundled from elsewhere. */
    @Test
    void theJarHoldsOnlyItsOwnClasses() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Plugin-Requires")).isEqualTo("0.x");
            assertThat(jar.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class")).toList())
                    .isNotEmpty().allMatch(n -> n.startsWith("io/kinesin/probes/"));
        }
    }

    @SuppressWarnings("unchecked")
    private static HealthCheck create(HealthCheckFactory<?> factory, Object config, PluginContext context) throws Exception {
        return ((HealthCheckFactory<Object>) factory).create(config, context);
    }
}
