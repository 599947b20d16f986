package dev.parley.loadgen;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PercentilePlotTest {

    @Test
    void labelsTheNinesAxis() {
        assertThat(PercentilePlot.percentLabel(1)).isEqualTo("90%");
        assertThat(PercentilePlot.percentLabel(2)).isEqualTo("99%");
        assertThat(PercentilePlot.percentLabel(3)).isEqualTo("99.9%");
        assertThat(PercentilePlot.percentLabel(5)).isEqualTo("99.999%");
    }

    @Test
    void plotsEverySeriesWithItsFigures() {
        Histogram h = new Histogram(Stats.HIGHEST_MICROS, 3);
        for (int i = 1; i <= 10_000; i++) {
            h.recordValue(i);
        }
        Map<String, Histogram> series = new LinkedHashMap<>();
        series.put("delivery", h);
        series.put("empty", new Histogram(Stats.HIGHEST_MICROS, 3));
        String svg = PercentilePlot.svg("test", series);
        assertThat(svg).startsWith("<svg").endsWith("</svg>\n").contains("<polyline").contains("delivery  (n=10,000")
                .contains("99.9%").contains("empty");
        // HdrHistogram reports the highest value equivalent to the percentile (3 significant digits).
        assertThat(Report.fiveNumbers(h)).isEqualTo("5.00 / 9.01 / 9.90 / 9.99 / 10.0 ms");
    }
}
