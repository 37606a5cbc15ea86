package io.kinesin.kernel.log;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LogTest {

    @Test
    void logfmtQuotesWhatNeedsIt() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Log(Log.Format.LOGFMT, Log.Level.INFO, out).info("shutting down", "reason", "web ended", "pid", 42,
                "argv", "sh -c \"x\"", "runtime", Duration.ofMillis(1500), "skipped", null);
        String line = out.toString(StandardCharsets.UTF_8);
        assertThat(line).matches("ts=\\S+Z level=info msg=\"shutting down\" reason=\"web ended\" pid=42 "
                + "argv=\"sh -c \\\\\"x\\\\\"\" runtime=1.5s\n");
    }

    @Test
    void jsonIsOneObjectPerLine() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new Log(Log.Format.JSON, Log.Level.DEBUG, out).warn("failed", "service", "web", "status", 3, "why", "a\nb");
        assertThat(out.toString(StandardCharsets.UTF_8))
                .matches("\\{\"ts\":\"\\S+Z\",\"level\":\"warn\",\"msg\":\"failed\",\"service\":\"web\",\"status\":3,\"why\":\"a\\\\nb\"}\n");
    }

    @Test
    void durationsReadWell() {
        assertThat(Log.human(Duration.ofMillis(1234))).isEqualTo("1.234s");
        assertThat(Log.human(Duration.ofNanos(228_235_260))).isEqualTo("228ms");
        assertThat(Log.human(Duration.ofSeconds(2))).isEqualTo("2s");
        assertThat(Log.human(Duration.ofSeconds(3723))).isEqualTo("1h2m3s");
    }

    @Test
    void levelsFilter() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Log log = new Log(Log.Format.LOGFMT, Log.Level.WARN, out);
        log.info("hidden");
        log.debug("hidden");
        log.error("shown");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("shown").doesNotContain("hidden");
    }
}
