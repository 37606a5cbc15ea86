package io.kinesin.sink.file;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kinesin.spi.LogLine;
import io.kinesin.spi.LogSink;
import io.kinesin.spi.LogSinkFactory;
import io.kinesin.spi.Stream;
import io.kinesin.spi.contract.Contexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pf4j.DefaultPluginManager;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginState;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.MemberRefEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged jar, as the kernel will meet it: dropped into a plugins directory and loaded by
 * a real pf4j plugin manager, its extension found, its config bound with Jackson, its sink
 * writing a file. And the jar itself: the pf4j manifest, {@code META-INF/extensions.idx} (which
 * javac 25 silently leaves out without the processor configured), nothing but its own classes,
 * and no ProcessBuilder or Runtime.exec in them.
 */
class FileSinkPluginIT {

    private static final Path JAR = Path.of(System.getProperty("plugin.jar"));

    @TempDir
    Path dir;

    @Test
    void pf4jLoadsThePluginAndItsSinkWritesAFile() throws Exception {
        Path plugins = Files.createDirectory(dir.resolve("plugins"));
        Files.copy(JAR, plugins.resolve(JAR.getFileName()));
        DefaultPluginManager manager = new DefaultPluginManager(plugins);
        manager.setSystemVersion("0.1.0-SNAPSHOT"); // Plugin-Requires is checked against it
        try {
            manager.loadPlugins();
            manager.startPlugins();
            PluginDescriptor descriptor = manager.getPlugin("file-sink").getDescriptor();
            assertThat(descriptor.getVersion()).isEqualTo("0.1.0-SNAPSHOT");
            assertThat(descriptor.getProvider()).isEqualTo("kinesin");
            assertThat(manager.getPlugin("file-sink").getPluginState()).isEqualTo(PluginState.STARTED);

            @SuppressWarnings("rawtypes")
            List<LogSinkFactory> factories = manager.getExtensions(LogSinkFactory.class, "file-sink");
            assertThat(factories).singleElement().satisfies(f -> assertThat(f.type()).isEqualTo("file"));
            assertThat(factories.getFirst().getClass().getClassLoader()).isSameAs(manager.getPluginClassLoader("file-sink"));

            Path log = dir.resolve("logs/app.log");
            Object config = new ObjectMapper().readValue("{\"path\":\"" + log + "\",\"format\":\"prefixed\"}", factories.getFirst().configType());
            try (LogSink sink = create(factories.getFirst(), config)) {
                sink.write(List.of(new LogLine("web", 0, Stream.STDOUT, Instant.now(), "loaded by pf4j".getBytes(StandardCharsets.UTF_8), false)));
            }
            assertThat(Files.readString(log)).isEqualTo("web | loaded by pf4j\n");
        } finally {
            manager.unloadPlugins(); // stops each first; pf4j 3.15's stopPlugins() throws ConcurrentModificationException
        }
    }

    @Test
    void theJarHoldsTheManifestTheIndexAndOnlyItsOwnClasses() throws IOException {
        try (JarFile jar = new JarFile(JAR.toFile())) {
            var manifest = jar.getManifest().getMainAttributes();
            assertThat(manifest.getValue("Plugin-Id")).isEqualTo("file-sink");
            assertThat(manifest.getValue("Plugin-Version")).isEqualTo("0.1.0-SNAPSHOT");
            assertThat(manifest.getValue("Plugin-Provider")).isEqualTo("kinesin");
            assertThat(manifest.getValue("Plugin-Requires")).isEqualTo("0.x");
            JarEntry index = jar.getJarEntry("META-INF/extensions.idx");
            assertThat(index).as("META-INF/extensions.idx").isNotNull();
            assertThat(new String(jar.getInputStream(index).readAllBytes(), StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("#")).toList()).containsExactly(FileSinkFactory.class.getName());
            List<String> classes = jar.stream().map(JarEntry::getName).filter(n -> n.endsWith(".class")).toList();
            assertThat(classes).isNotEmpty().allMatch(n -> n.startsWith("io/kinesin/sink/file/"));
        }
    }

    @Test
    void noClassSpawnsThroughTheJdk() throws IOException {
        List<String> offenders = new ArrayList<>();
        try (JarFile jar = new JarFile(JAR.toFile())) {
            for (JarEntry e : jar.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
                for (PoolEntry entry : ClassFile.of().parse(jar.getInputStream(e).readAllBytes()).constantPool()) {
                    if (entry instanceof MemberRefEntry ref) {
                        String owner = ref.owner().asInternalName();
                        if (owner.equals("java/lang/ProcessBuilder") || owner.equals("java/lang/Runtime") && ref.name().equalsString("exec")) {
                            offenders.add(e.getName() + " → " + owner + "." + ref.name());
                        }
                    }
                }
            }
        }
        assertThat(offenders).isEmpty();
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static LogSink create(LogSinkFactory factory, Object config) throws Exception {
        return ((LogSinkFactory<Object>) factory).create(config, Contexts.plain());
    }

}
