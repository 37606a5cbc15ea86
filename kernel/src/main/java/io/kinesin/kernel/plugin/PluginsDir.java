package io.kinesin.kernel.plugin;

import java.nio.file.Path;

/**
 * Where plugin jars are found: {@code --plugins-dir}, else {@code $KINESIN_PLUGINS}, else the
 * config's {@code kinesin.plugins.dir}, else {@code <install>/plugins} (the image's
 * {@code /opt/kinesin/plugins}).
 *
 * @param explicit given by the user (option, variable or config): a missing dir is then an error
 */
public record PluginsDir(Path path, boolean explicit) {

    public static PluginsDir of(String option, String configured) {
        if (option != null) {
            return new PluginsDir(Path.of(option), true);
        }
        String env = System.getenv("KINESIN_PLUGINS");
        if (env != null && !env.isEmpty()) {
            return new PluginsDir(Path.of(env), true);
        }
        if (configured != null) {
            return new PluginsDir(Path.of(configured), true);
        }
        String home = System.getProperty("kinesin.home");
        return new PluginsDir(home == null ? Path.of("plugins") : Path.of(home, "plugins"), false);
    }
}
