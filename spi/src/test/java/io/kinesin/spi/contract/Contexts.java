package io.kinesin.spi.contract;

import io.kinesin.spi.Metrics;
import io.kinesin.spi.PluginContext;
import io.kinesin.spi.Spawner;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * {@link PluginContext}s for plugins' tests: a spawner, a logger, the config file's directory
 * and the services' replica counts, nothing else (no state dir, no metrics).
 */
public final class Contexts {

    private static final Spawner NO_SPAWNER = new Spawner() {
        @Override
        public java.util.concurrent.CompletionStage<Child> spawn(Command command) {
            throw new UnsupportedOperationException("this plugin kind spawns nothing, yet ran " + command.argv());
        }

        @Override
        public java.util.concurrent.CompletionStage<Linked> spawnLinked(Command command) {
            throw new UnsupportedOperationException("this plugin kind spawns nothing, yet ran " + command.argv());
        }
    };

    private Contexts() {
    }

    /** For the kinds that spawn: processes go to {@code spawner}. */
    public static PluginContext spawningWith(Spawner spawner) {
        return of(spawner, workingDirectory(), service -> 1);
    }

    /** For the kinds that spawn nothing: spawning is a bug. */
    public static PluginContext plain() {
        return of(NO_SPAWNER, workingDirectory(), service -> 1);
    }

    /** Services run as many instances as {@code replicas} says (1 for one it does not name). */
    public static PluginContext replicas(Map<String, Integer> replicas) {
        return of(NO_SPAWNER, workingDirectory(), service -> replicas.getOrDefault(service, 1));
    }

    /** The config file lies in {@code configDirectory}: a plugin's relative paths are from there. */
    public static PluginContext configIn(Path configDirectory) {
        return of(NO_SPAWNER, configDirectory, service -> 1);
    }

    public static PluginContext of(Spawner spawner, Path configDirectory, ToIntFunction<String> replicas) {
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
                return replicas.applyAsInt(service);
            }

            @Override
            public Path configDirectory() {
                return configDirectory;
            }
        };
    }

    private static Path workingDirectory() {
        return Path.of("").toAbsolutePath();
    }
}
