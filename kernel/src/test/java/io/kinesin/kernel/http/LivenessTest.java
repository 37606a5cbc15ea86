package io.kinesin.kernel.http;

import io.kinesin.kernel.cli.Options;
import io.kinesin.kernel.config.ConfigCommands;
import io.kinesin.kernel.log.Log;
import io.kinesin.kernel.logbus.LogBus;
import io.kinesin.kernel.supervise.Plan;
import io.kinesin.kernel.supervise.Supervisor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LivenessTest {

    @Test
    void aLoopThatDoesNotAnswerWithinASecondIsNotLive(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("kinesin.yaml"), "services: { web: { command: [sleep, '1'] } }\n");
        Plan plan = ConfigCommands.plan(ConfigCommands.read(config, List.of()), List.of(), Options.NONE).plan();
        // a real supervisor whose loop never runs: nothing takes its ping
        Supervisor stuck = new Supervisor(plan, new Log(Log.Format.LOGFMT, Log.Level.DEBUG, new ByteArrayOutputStream()),
                null, LogBus.DEFAULT_FLUSH, Optional.empty());
        Liveness liveness = new Liveness(stuck, plan);
        long t0 = System.nanoTime();
        Liveness.Answer a = liveness.check();
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        assertThat(a.code()).isEqualTo(503);
        assertThat(a.text()).isEqualTo("loop not responsive: no answer within 1000ms\n");
        assertThat(took).isBetween(Duration.ofMillis(950), Duration.ofSeconds(3));

        // probes that come while a ping is unanswered share it: the loop's queue gets one event
        Liveness.Answer again = liveness.check();
        assertThat(again.code()).isEqualTo(503);
    }
}
