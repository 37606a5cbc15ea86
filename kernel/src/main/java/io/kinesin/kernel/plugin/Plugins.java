package io.kinesin.kernel.plugin;

import io.kinesin.kernel.config.ConfigException;
import io.kinesin.spi.Factory;
import org.pf4j.JarPluginLoader;
import org.pf4j.JarPluginManager;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginLoader;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The plugins of one plugins dir, loaded: every jar in it, each on its own, so that a broken
 * one (a bad manifest, a class that fails to link, a constructor that throws, a call to
 * ProcessBuilder) is reported by name and hides no other. Extensions are found through each
 * plugin's {@code META-INF/extensions.idx} and instantiated here, one by one, with the
 * kernel's deadline.
 */
public final class Plugins implements AutoCloseable {

    /**
     * One jar of the dir.
     *
     * @param id      the plugin's id, or the jar's name when it could not be read
     * @param version null when it could not be read
     * @param kinds   {@code sink:file}, {@code check:http}, ...
     * @param error   why it does not load; null when it does
     */
    public record Found(String id, String version, Path jar, List<String> kinds, String error) {
    }

    private final Path dir;
    private final List<Found> found = new ArrayList<>();
    private final Map<PluginKind, Map<String, Factory<?, ?>>> factories = new EnumMap<>(PluginKind.class);
    private final Map<Factory<?, ?>, String> owners = new java.util.IdentityHashMap<>();
    private final JarPluginManager manager;
    private final java.time.Duration deadline;

    private Plugins(Path dir, java.time.Duration deadline) {
        this.dir = dir;
        this.deadline = deadline;
        for (PluginKind k : PluginKind.values()) {
            factories.put(k, new TreeMap<>());
        }
        this.manager = new JarPluginManager(dir) {
            @Override
            protected PluginLoader createPluginLoader() {
                return new JarPluginLoader(this) {
                    @Override
                    protected PluginClassLoader createPluginClassLoader(Path path, PluginDescriptor descriptor) {
                        return new SharedTypesClassLoader(pluginManager, descriptor, Plugins.class.getClassLoader());
                    }
                };
            }
        };
    }

    /**
     * Loads every {@code *.jar} of {@code dir}. A missing dir has no plugins.
     *
     * @param checkOwnership refuse a dir or jar that anyone but root can write (kinesin runs as root)
     * @throws ConfigException naming the dir or the jar that may not be loaded
     */
    public static Plugins load(Path dir, boolean checkOwnership) throws ConfigException {
        return load(dir, checkOwnership, Bounded.CREATE);
    }

    static Plugins load(Path dir, boolean checkOwnership, java.time.Duration deadline) throws ConfigException {
        Plugins p = new Plugins(dir, deadline);
        if (!Files.isDirectory(dir)) {
            return p;
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(dir)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new ConfigException("plugins dir " + dir, "cannot list it: " + e.getMessage());
        }
        if (checkOwnership) {
            Ownership.check(dir, jars);
        }
        for (Path jar : jars) {
            p.loadOne(jar);
        }
        return p;
    }

    private void loadOne(Path jar) {
        String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        try {
            ForkScan.Result scan = ForkScan.scan(jar);
            if (!scan.offenders().isEmpty()) {
                found.add(new Found(name, null, jar, List.of(), "spawns processes behind the kernel's reaper ("
                        + scan.offenders().getFirst() + "); a plugin must spawn through PluginContext.spawner()"));
                return;
            }
        } catch (IOException e) {
            found.add(new Found(name, null, jar, List.of(), "not a readable jar: " + e.getMessage()));
            return;
        }
        String id;
        try {
            id = manager.loadPlugin(jar);
        } catch (RuntimeException | LinkageError e) {
            found.add(new Found(name, null, jar, List.of(), "cannot load: " + message(e)));
            return;
        }
        PluginWrapper plugin = manager.getPlugin(id);
        String version = plugin.getDescriptor().getVersion();
        try {
            PluginState state = manager.startPlugin(id);
            if (state != PluginState.STARTED) {
                throw new IllegalStateException("pf4j left it " + state + (plugin.getFailedException() == null ? ""
                        : ": " + message(plugin.getFailedException())));
            }
            List<String> kinds = extensions(id, plugin.getPluginClassLoader());
            found.add(new Found(id, version, jar, kinds, null));
        } catch (Exception | LinkageError e) {
            found.add(new Found(id, version, jar, List.of(), message(e)));
            unload(id);
        }
    }

    /** Instantiates each extension the plugin's index names; all or none of a plugin's kinds register. */
    private List<String> extensions(String id, ClassLoader loader) throws Exception {
        var names = manager.getExtensionClassNames(id);
        if (names.isEmpty()) {
            throw new IllegalStateException("has no extensions (no META-INF/extensions.idx: on javac 25 list pf4j "
                    + "in the compiler's annotationProcessorPaths)");
        }
        Map<PluginKind, Map<String, Factory<?, ?>>> mine = new EnumMap<>(PluginKind.class);
        List<String> kinds = new ArrayList<>();
        for (String className : new java.util.TreeSet<>(names)) {
            Class<?> c = Class.forName(className, true, loader);
            PluginKind kind = PluginKind.of(c);
            if (kind == null) {
                throw new IllegalStateException(className + " implements none of kinesin's extension points");
            }
            Factory<?, ?> factory = (Factory<?, ?>) Bounded.call(() -> c.getDeclaredConstructor().newInstance(),
                    deadline, className + "'s constructor");
            String type = Bounded.call(factory::type, deadline, className + ".type()");
            if (type == null || !type.matches("[a-z][a-z0-9-]*")) {
                throw new IllegalStateException(className + ".type() is \"" + type + "\"; a type is lower case letters, digits and -");
            }
            Factory<?, ?> earlier = factories.get(kind).get(type);
            if (earlier != null || mine.computeIfAbsent(kind, k -> new TreeMap<>()).containsKey(type)) {
                throw new IllegalStateException(kind.label() + ":" + type + " is already provided by "
                        + (earlier != null ? "plugin " + owners.get(earlier) : "another class of this plugin"));
            }
            mine.get(kind).put(type, factory);
            kinds.add(kind.label() + ":" + type);
        }
        mine.forEach((kind, byType) -> byType.forEach((type, f) -> {
            factories.get(kind).put(type, f);
            owners.put(f, id);
        }));
        kinds.sort(null);
        return kinds;
    }

    private void unload(String id) {
        try {
            manager.unloadPlugin(id);
        } catch (RuntimeException e) {
            // it did not load properly: what is left of it is garbage
        }
    }

    private static String message(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return root.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m.strip());
    }

    public Path dir() {
        return dir;
    }

    /** Every jar of the dir, in name order, loaded or not. */
    public List<Found> found() {
        return List.copyOf(found);
    }

    /** The jars that did not load. */
    public List<Found> broken() {
        return found.stream().filter(f -> f.error() != null).toList();
    }

    public Optional<Factory<?, ?>> factory(PluginKind kind, String type) {
        return Optional.ofNullable(factories.get(kind).get(type));
    }

    /** The types of a kind that loaded plugins provide, sorted. */
    public List<String> types(PluginKind kind) {
        return List.copyOf(factories.get(kind).keySet());
    }

    /** The plugin that provides a factory. */
    public String owner(Factory<?, ?> factory) {
        return owners.get(factory);
    }

    @Override
    public void close() {
        // one by one: pf4j's unloadPlugins() changes the list it iterates over
        for (PluginWrapper w : new ArrayList<>(manager.getPlugins())) {
            unload(w.getPluginId());
        }
    }
}
