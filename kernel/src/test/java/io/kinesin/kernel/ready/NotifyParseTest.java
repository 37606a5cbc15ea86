package io.kinesin.kernel.ready;

import io.kinesin.kernel.supervise.Notice;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** sd_notify messages as systemd's own clients send them. */
class NotifyParseTest {

    @Test
    void readyWithStatusInOneMessage() {
        assertThat(NotifyChannel.parse("READY=1\nSTATUS=serving on :8080\n"))
                .containsExactly(Notice.Ready.INSTANCE, new Notice.Status("serving on :8080"));
    }

    @Test
    void watchdogPingsAndPeriods() {
        assertThat(NotifyChannel.parse("WATCHDOG=1")).containsExactly(new Notice.WatchdogPing());
        assertThat(NotifyChannel.parse("WATCHDOG_USEC=5000000")).containsExactly(new Notice.WatchdogUsec(5_000_000));
        assertThat(NotifyChannel.parse("WATCHDOG=trigger")).as("systemd's own watchdog trigger: not a ping").isEmpty();
    }

    @Test
    void whatKinesinDoesNotActOnIsIgnored() {
        assertThat(NotifyChannel.parse("BARRIER=1")).isEmpty();
        assertThat(NotifyChannel.parse("MAINPID=42\nERRNO=2\nRELOADING=1\nFDSTORE=1")).isEmpty();
        assertThat(NotifyChannel.parse("READY=0\nWATCHDOG_USEC=soon\nno equals sign\n=1")).isEmpty();
        assertThat(NotifyChannel.parse("STOPPING=1")).containsExactly(new Notice.Stopping());
    }

    @Test
    void anEmptyStatusIsAStatus() {
        assertThat(NotifyChannel.parse("STATUS=")).containsExactly(new Notice.Status(""));
    }
}
