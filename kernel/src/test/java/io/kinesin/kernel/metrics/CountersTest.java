package io.kinesin.kernel.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CountersTest {

    @Test
    void seriesAddUpAndANameMeansOneThing() {
        Counters c = new Counters();
        var dropped = c.counter("kinesin_log_lines_dropped_total", "lines a sink dropped", "sink", "service", "stream");
        dropped.add(3, "loki", "web", "stdout");
        dropped.inc("loki", "web", "stdout");
        assertThat(c.value("kinesin_log_lines_dropped_total", "loki", "web", "stdout")).isEqualTo(4);
        assertThat(c.series("kinesin_log_lines_dropped_total")).containsEntry(List.of("loki", "web", "stdout"), 4L);
        assertThat(c.counter("kinesin_log_lines_dropped_total", "again", "sink", "service", "stream")).isNotNull();
        assertThatThrownBy(() -> c.counter("kinesin_log_lines_dropped_total", "x", "sink"))
                .hasMessageContaining("already registered with labels [sink, service, stream]");
        assertThatThrownBy(() -> c.counter("bad name", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dropped.add(-1, "a", "b", "c")).hasMessageContaining("only goes up");
        assertThatThrownBy(() -> dropped.inc("a")).hasMessageContaining("takes 3 label values");
    }
}
