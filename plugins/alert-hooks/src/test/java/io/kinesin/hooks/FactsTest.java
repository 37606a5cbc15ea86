package io.kinesin.hooks;

import io.kinesin.spi.contract.ConfigBinding;
import com.fasterxml.jackson.databind.JsonNode;
import io.kinesin.spi.Death;
import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The text line a chat channel shows, and the JSON a receiver parses, for the deaths an operator meets. */
class FactsTest {

    private static final Instant AT = Instant.parse("2026-11-22T02:13:00Z");

    @Test
    void aCrashThatIsRestarted() {
        Death d = new Death("web", 1, 4242, ExitStatus.exited(3), 3, true, "backoff", AT, 0);
        assertThat(Facts.text(d, 2)).isEqualTo("kinesin: web.1 (pid 4242) exited with code 3; restarting (3 deaths within the crash-loop window)");
    }

    @Test
    void aKillThatEndsInFailed() {
        Death d = new Death("web", 0, 4242, ExitStatus.killed(Signal.KILL), 1, false, "failed", AT, 0);
        assertThat(Facts.text(d, 1)).isEqualTo("kinesin: web (pid 4242) was killed by KILL; not restarted, now failed");
    }

    @Test
    void aCrashLoopCountsItsDeathsAndWhatWasCoalesced() {
        Death d = new Death("worker", 2, 77, ExitStatus.exited(1), 6, false, "failed", AT, 4);
        assertThat(Facts.text(d, 3)).isEqualTo("kinesin: worker.2 (pid 77) exited with code 1; not restarted, now failed "
                + "(6 deaths within the crash-loop window); 4 earlier deaths folded into this alert");
    }

    @Test
    void aProgramThatCouldNotStart() {
        Death d = new Death("web", 0, 0, ExitStatus.exited(127), 1, false, "exited", AT, 0);
        assertThat(Facts.text(d, 1)).isEqualTo("kinesin: web could not be started (exit code 127); not restarted, now exited");
    }

    @Test
    void theEnvironmentOfASignalDeath() {
        Death d = new Death("web", 0, 4242, new ExitStatus.Killed(Signal.TERM, false), 2, true, "backoff", AT, 1);
        Map<String, String> env = new LinkedHashMap<>(Facts.of(d, 1).environment());
        assertThat(env).containsEntry("KINESIN_EXIT_CODE", "").containsEntry("KINESIN_SIGNAL", "TERM")
                .containsEntry("KINESIN_AT", "2026-11-22T02:13:00Z").containsEntry("KINESIN_COALESCED", "1")
                .containsEntry("KINESIN_EXIT_STATUS", null).containsEntry("KINESIN_REASON", null);
    }

    @Test
    void jsonEscapesWhatAReasonMayHold() throws Exception {
        String json = Json.object(Facts.ofExit(2, "service \"web\" ended\n\ttab \\ \u0001", AT).json());
        JsonNode n = ConfigBinding.JSON.readTree(json);
        assertThat(n.get("reason").textValue()).isEqualTo("service \"web\" ended\n\ttab \\ \u0001");
        assertThat(n.get("exit_status").intValue()).isEqualTo(2);
        assertThat(n.get("text").textValue()).isEqualTo("kinesin is exiting with status 2: service \"web\" ended\n\ttab \\ \u0001");
    }
}
