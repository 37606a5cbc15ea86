package io.kinesin.it;

import io.kinesin.spi.Signal;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code on-exit} hooks (INTERFACE.md section 2): once, after the children are gone and before
 * the sinks close, with kinesin's exit status and the reason, after SIGTERM and after an
 * essential service's end.
 */
class OnExitIT {

    private Path dir;

    @BeforeEach
    void dir() throws Exception {
        dir = Files.createTempDirectory(Path.of("/tmp"), "kinesin-on-exit-");
    }

    @AfterEach
    void clean() throws Exception {
        Kinesin.deleteTree(dir);
    }

    private Path config(String main) throws Exception {
        return Files.writeString(dir.resolve("kinesin.yaml"), """
                kinesin:
                  shutdown: { timeout: 2s }
                services:
                  main:
                    command: %1$s
                    on-death:
                      - { type: exec, command: [sh, -c, 'echo "death of $KINESIN_SERVICE: $KINESIN_STATE" >> %2$s/on-exit'] }
                on-exit:
                  - { type: exec, command: [sh, -c, 'echo "$KINESIN_EXIT_STATUS $KINESIN_REASON" >> %2$s/on-exit; echo bye $KINESIN_REASON'], timeout: 5s }
                """.formatted(main, dir));
    }

    @Test
    void afterSigtermTheHookRunsOnceWithTheSignalAsReasonAndItsOutputIsStillLogged() throws Exception {
        Kinesin.Running k = Kinesin.args("run", config("[sh, -c, 'echo up; exec sleep 1000']").toString()).start();
        Eventually.until("main runs", () -> k.stdoutNow().contains("main | up"));
        k.signal(Signal.TERM);
        Kinesin.Result r = k.await(Duration.ofSeconds(30));
        assertThat(r.status()).as(r.toString()).isZero();
        assertThat(Files.readAllLines(dir.resolve("on-exit"))).containsExactly("0 signal TERM");
        assertThat(r.stdout()).containsPattern("(?m)^hook:on-exit:sh \\| bye signal TERM$");
    }

    @Test
    void afterAnEssentialServiceEndsItsDeathsHookThenTheExitHookRun() throws Exception {
        Kinesin.Result r = Kinesin.args("run", config("[sh, -c, 'exit 7']").toString()).run();
        assertThat(r.status()).as(r.toString()).isEqualTo(7);
        assertThat(Files.readAllLines(dir.resolve("on-exit"))).as("the last death's hook runs before kinesin exits, and before on-exit")
                .containsExactly("death of main: failed", "7 service main ended");
    }
}
