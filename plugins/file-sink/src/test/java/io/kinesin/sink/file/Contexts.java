package io.kinesin.sink.file;

import io.kinesin.spi.Metrics;
import io.kinesin.spi.PluginContext;
import io.kinesin.spi.Spawner;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** A {@link PluginContext} for tests: the file sink asks it only how many instances a service runs, and the config's directory. */
final class Contexts {

    private Contexts() {
    }

    static PluginContext replicas(Map<String, Integer> replicas) {
        return of(replicas, Path.of("").toAbsolutePath());
    }

    static PluginContext configIn(Path configDirectory) {
        return of(Map.of(), configDirectory);
    }

    private static PluginContext of(Map<String, Integer> replicas, Path configDirectory) {
        return new PluginContext() {
            @Override
            public int replicas(String service) {
                return replicas.getOrDefault(service, 1);
            }

            @Override
            public Path configDirectory() {
                return configDirectory;
            }

            @Override
            public Spawner spawner() {
                throw new UnsupportedOperationException("the file sink spawns nothing");
            }

            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }

            @Override
            public System.Logger logger() {
                return System.getLogger("file-sink");
            }

            @Override
            public Path stateDir() {
                throw new UnsupportedOperationException("the file sink keeps no state");
            }

            @Override
            public Metrics metrics() {
                throw new UnsupportedOperationException("the file sink adds no metrics");
            }
        };
    }

    static PluginContext plain() {
        return replicas(Map.of());
    }
}
