package io.kinesin.spi.contract;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Builds a real pf4j plugin jar in a test: Java sources compiled with the JDK's compiler against
 * the test's class path (the SPI, pf4j), a pf4j manifest, and {@code META-INF/extensions.idx}
 * naming the extensions (what pf4j's annotation processor would write). For tests of plugin
 * loading (kinesin's own, and a plugin author's), in seconds instead of a Maven build.
 */
public final class PluginJar {

    private final String id;
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final List<String> extensions = new ArrayList<>();
    private boolean manifest = true;
    private final List<String> leaveOut = new ArrayList<>();

    private PluginJar(String id) {
        this.id = id;
    }

    public static PluginJar named(String id) {
        return new PluginJar(id);
    }

    /** A class by its full name and source. */
    public PluginJar source(String className, String code) {
        sources.put(className, code);
        return this;
    }

    /** A class the index lists as an extension. */
    public PluginJar extension(String className) {
        extensions.add(className);
        return this;
    }

    public PluginJar withoutManifest() {
        manifest = false;
        return this;
    }

    /** Compiles the class but leaves it out of the jar: what refers to it fails to link. */
    public PluginJar without(String className) {
        leaveOut.add(className);
        return this;
    }

    public Path buildIn(Path dir) throws IOException {
        Path src = Files.createTempDirectory("plugin-src-");
        Path classes = Files.createTempDirectory("plugin-classes-");
        List<String> files = new ArrayList<>();
        for (var e : sources.entrySet()) {
            Path f = src.resolve(e.getKey().replace('.', '/') + ".java");
            Files.createDirectories(f.getParent());
            Files.writeString(f, e.getValue());
            files.add(f.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-proc:none", "-d", classes.toString(), "-cp", System.getProperty("java.class.path")));
        args.addAll(files);
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        if (javac.run(null, null, errors, args.toArray(String[]::new)) != 0) {
            throw new IllegalStateException("the test plugin does not compile:\n" + errors.toString(StandardCharsets.UTF_8));
        }
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        if (manifest) {
            m.getMainAttributes().putValue("Plugin-Id", id);
            m.getMainAttributes().putValue("Plugin-Version", "1.2.3");
            m.getMainAttributes().putValue("Plugin-Provider", "kinesin tests");
        }
        Path jar = dir.resolve(id + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m);
             var walk = Files.walk(classes)) {
            for (Path c : walk.filter(Files::isRegularFile).sorted().toList()) {
                String name = classes.relativize(c).toString();
                String className = name.replace('/', '.').replaceFirst("\\.class$", "");
                if (leaveOut.contains(className)) {
                    continue;
                }
                j.putNextEntry(new JarEntry(name));
                j.write(Files.readAllBytes(c));
                j.closeEntry();
            }
            j.putNextEntry(new JarEntry("META-INF/extensions.idx"));
            j.write(String.join("\n", extensions).concat("\n").getBytes(StandardCharsets.UTF_8));
            j.closeEntry();
        }
        return jar;
    }

    /** A sink factory class of {@code type} in package {@code pkg}; {@code body} goes into its constructor. */
    public static String sinkFactory(String pkg, String cls, String type, String constructorBody) {
        return """
                package %s;
                import io.kinesin.spi.*;
                import java.util.List;
                public class %s implements LogSinkFactory<%s.Settings> {
                    public record Settings(String path, int keep) {
                        public Settings {
                            if (keep < 0) throw new IllegalArgumentException("keep: must be 0 or more");
                        }
                    }
                    public %s() { %s }
                    public String type() { return "%s"; }
                    public Class<Settings> configType() { return Settings.class; }
                    public LogSink create(Settings c, PluginContext ctx) {
                        return new LogSink() { public void write(List<LogLine> batch) { } };
                    }
                }
                """.formatted(pkg, cls, cls, cls, constructorBody, type);
    }
}
