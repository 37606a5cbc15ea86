package io.kinesin.kernel.process;

import io.kinesin.spi.ExitStatus;
import io.kinesin.spi.Signal;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReaperTest {

    @Test
    void decodesWaitStatuses() {
        assertThat(Reaper.decode(5, 0)).isEqualTo(new Reaper.Died(5, ExitStatus.exited(0)));
        assertThat(Reaper.decode(5, 255 << 8)).isEqualTo(new Reaper.Died(5, ExitStatus.exited(255)));
        assertThat(Reaper.decode(5, 15)).isEqualTo(new Reaper.Died(5, new ExitStatus.Killed(Signal.TERM, false)));
        assertThat(Reaper.decode(5, 11 | 0x80)).isEqualTo(new Reaper.Died(5, new ExitStatus.Killed(new Signal(11), true)));
        assertThat(Reaper.decode(5, (20 << 8) | 0x7f)).isEqualTo(new Reaper.Stopped(5, Signal.TSTP));
        assertThat(Reaper.decode(5, 0xffff)).isEqualTo(new Reaper.Continued(5));
    }

    @Test
    void anExitStatusIsTheShellsNumber() {
        assertThat(ExitStatus.exited(3).code()).isEqualTo(3);
        assertThat(ExitStatus.killed(Signal.KILL).code()).isEqualTo(137);
        assertThat(ExitStatus.exited(0).success()).isTrue();
        assertThat(ExitStatus.killed(Signal.TERM).success()).isFalse();
    }
}
