package io.kinesin.kernel.plugin;

import io.kinesin.kernel.log.Log;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** A plugin logging in a loop is cut to a burst per window, and the rest is counted, not lost silently. */
class PluginLoggerTest {

    @Test
    void aFloodIsCutToABurstAndTheRestCounted() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicLong now = new AtomicLong();
        PluginLogger logger = new PluginLogger("loki-sink", new Log(Log.Format.LOGFMT, Log.Level.INFO, out), now::get);
        for (int i = 0; i < 100; i++) {
            logger.log(System.Logger.Level.WARNING, "push failed {0}", i);
        }
        now.addAndGet(PluginLogger.WINDOW_NANOS);
        logger.log(System.Logger.Level.ERROR, "later");
        logger.log(System.Logger.Level.DEBUG, "not at info");
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text.lines().filter(l -> l.contains("push failed"))).hasSize(PluginLogger.BURST);
        assertThat(text).contains("msg=\"plugin log lines suppressed: it logged too fast\" plugin=loki-sink lines=80");
        assertThat(text).contains("level=error msg=later plugin=loki-sink").doesNotContain("not at info");
    }
}
