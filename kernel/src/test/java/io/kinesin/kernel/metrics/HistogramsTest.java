package io.kinesin.kernel.metrics;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HistogramsTest {

    @Test
    void aValueCountsInTheFirstBucketItFitsAndInTheSum() {
        Histograms h = new Histograms();
        Histograms.Histogram d = h.histogram("kinesin_x_seconds", "x", new double[] {0.1, 1}, "service");
        d.observe(0.1, "web"); // an upper bound is inclusive, as Prometheus's le
        d.observe(0.5, "web");
        d.observe(7, "web");
        Histograms.Counts c = h.series("kinesin_x_seconds").get(List.of("web"));
        assertThat(c.counts()).containsExactly(1, 1, 1);
        assertThat(c.sum()).isEqualTo(7.6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(h.families().get("kinesin_x_seconds").buckets()).containsExactly(0.1, 1.0);
    }

    @Test
    void oneNameCannotMeanTwoThings() {
        Histograms h = new Histograms();
        h.histogram("kinesin_x_seconds", "x", Histograms.SECONDS, "service");
        assertThatThrownBy(() -> h.histogram("kinesin_x_seconds", "x", Histograms.SECONDS, "sink"))
                .hasMessageStartingWith("histogram kinesin_x_seconds is already registered as");
        assertThatThrownBy(() -> h.histogram("kinesin_x_seconds", "x", Histograms.SECONDS, "service").observe(1))
                .hasMessage("kinesin_x_seconds takes 1 label values, not 0");
    }
}
