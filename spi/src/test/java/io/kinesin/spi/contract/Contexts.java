package io.kinesin.spi.contract;

import io.kinesin.spi.Metrics;
import io.kinesin.spi.PluginContext;
import io.kinesin.spi.Spawner;

import java.nio.file.Path;
import java.time.Clock;

/** {@link PluginContext}s for plugins' tests, with a spawner and a logger and nothing else. */
public final class Contexts {

    private Contexts() {
    }

    public static PluginContext spawningWith(Spawner spawner) {
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
        };
    }

    /** For the kinds that spawn nothing: spawning is a bug. */
    public static PluginContext plain() {
        return spawningWith(command -> {
            throw new UnsupportedOperationException("this plugin kind spawns nothing, yet ran " + command.argv());
        });
    }
}
