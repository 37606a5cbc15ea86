package io.kinesin.probes;

import io.kinesin.spi.Metrics;
import io.kinesin.spi.PluginContext;
import io.kinesin.spi.Spawner;

import java.nio.file.Path;
import java.time.Clock;

/** A {@link PluginContext} for tests: the checks ask it only for its spawner. */
final class Contexts {

    private Contexts() {
    }

    static PluginContext spawningWith(Spawner spawner) {
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
                return System.getLogger("probes");
            }

            @Override
            public Path stateDir() {
                throw new UnsupportedOperationException("the checks keep no state");
            }

            @Override
            public Metrics metrics() {
                throw new UnsupportedOperationException("the checks add no metrics");
            }
        };
    }

    /** For the kinds that spawn nothing: asking for the spawner is a bug. */
    static PluginContext plain() {
        return spawningWith(command -> {
            throw new UnsupportedOperationException("this check kind spawns nothing, yet ran " + command.argv());
        });
    }
}
