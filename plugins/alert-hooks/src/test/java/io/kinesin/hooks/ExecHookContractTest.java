package io.kinesin.hooks;

import io.kinesin.spi.Death;
import io.kinesin.spi.DeathHook;
import io.kinesin.spi.contract.Contexts;
import io.kinesin.spi.contract.DeathHookContract;
import io.kinesin.spi.contract.ProcessSpawner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The post-death hook contract for {@code exec}: a command that writes the facts it got to a file, one per death. */
class ExecHookContractTest extends DeathHookContract {

    private final ProcessSpawner spawner = new ProcessSpawner();

    @TempDir
    Path dir;

    @AfterEach
    void killLeftovers() {
        spawner.killAll();
    }

    @Override
    protected DeathHook newHook(Duration timeout) {
        String script = "echo \"$KINESIN_SERVICE.$KINESIN_INSTANCE pid $KINESIN_PID exit $KINESIN_EXIT_CODE\" > \"$OUT/death-$KINESIN_DEATHS\"";
        return hook(List.of("/bin/sh", "-c", script), timeout);
    }

    @Override
    protected void assertDelivered(Death death) throws Exception {
        assertThat(dir.resolve("death-" + death.deaths())).content().isEqualTo("web.1 pid 4242 exit 3\n");
    }

    @Override
    protected DeathHook newHookToSilentDestination(Duration timeout) {
        return hook(List.of("/bin/sleep", "60"), timeout);
    }

    private DeathHook hook(List<String> command, Duration timeout) {
        return new ExecHookFactory().create(new ExecHookConfig(command, Map.of("OUT", dir.toString()), timeout),
                Contexts.spawningWith(spawner));
    }
}
