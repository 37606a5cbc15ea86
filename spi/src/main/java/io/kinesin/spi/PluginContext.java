package io.kinesin.spi;

import java.nio.file.Path;
import java.time.Clock;

/**
 * What the kernel lends a plugin: its only door back into kinesin. Safe to use from any thread.
 */
public interface PluginContext {

    /** Starts processes through the kernel, which reaps them: a plugin never forks itself. */
    Spawner spawner();

    Clock clock();

    /** kinesin's own log; messages are rate-limited and labelled with the plugin. */
    System.Logger logger();

    /** A directory of the plugin's own that survives restarts of services (not of kinesin). */
    Path stateDir();

    Metrics metrics();

    /**
     * How many instances {@code service} runs ({@code replicas}); 1 for a name that is no
     * configured service (a hook's output, say). Sinks ask it once per service to prefix lines
     * {@code web} or {@code web.2}, as the console does ({@link LineFormat#encoder}).
     */
    default int replicas(String service) {
        return 1;
    }

    /**
     * The directory of kinesin's config file: a relative path in a plugin's settings (a file
     * sink's {@code path}) is meant from there, as kinesin's own relative paths are. The
     * working directory by default (a context outside {@code kinesin run}).
     */
    default Path configDirectory() {
        return Path.of("").toAbsolutePath();
    }
}
