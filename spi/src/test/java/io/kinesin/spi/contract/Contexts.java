package io.kinesin.spi.contract;

import io.kinesin.spi.Metrics;
import io.kinesin.spi.PluginContext;
import io.kinesin.spi.Spawner;

import java.nio.file.Path;
import java.time.Clock;

/** {@link PluginContext}s for plugins' tests: a spawner, a logger, a config directory and a replica count, nothing else. */
public final class Contexts {

    private Contexts() {
    }

    public static PluginContext spawningWith(Spawner spawner) {
        return of(spawner, Path.of("").toAbsolutePath(), 1);
    }

    /**
     * A context whose config file lies in {@code configDirectory} and whose every service runs
     * {@code replicas} instances.
     */
    public static PluginContext of(Spawner spawner, Path configDirectory, int replicas) {
        return new PluginContext() {
            @Override
            public Spawner spawner() {
                return spawner;
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }

            @Override
            public System.Logger logger() {
                return System.getLogger("kinesin.plugin");
            }

            @Override
            public Path stateDir() {
                throw new UnsupportedOperationException("this test context has no state dir");
            }

            @Override
            public Metrics metrics() {
                throw new UnsupportedOperationException("this test context has no metrics");
            }

            @Override
            public int replicas(String service) {
                return replicas;
            }

            @Override
            public Path configDirectory() {
                return configDirectory;
            }
        };
    }

    /** For the kinds that spawn nothing: spawning is a bug. */
    public static PluginContext plain() {
        return spawningWith(NO_SPAWNER);
    }

    /** For the kinds that spawn nothing, with every service running {@code replicas} instances. */
    public static PluginContext plain(int replicas) {
        return of(NO_SPAWNER, Path.of("").toAbsolutePath(), replicas);
    }

    private static final Spawner NO_SPAWNER = command -> {
        throw new UnsupportedOperationException("this plugin kind spawns nothing, yet ran " + command.argv());
    };
}
