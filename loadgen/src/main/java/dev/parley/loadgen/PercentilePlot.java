package dev.parley.loadgen;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A latency-by-percentile plot as a self-contained SVG. The x axis is the percentile on the
 * usual "number of nines" scale (50%, 90%, 99%, 99.9%, ... equally spaced), so the tail is as
 * visible as the median; the y axis is latency in milliseconds, linear.
 */
final class PercentilePlot {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    private static final int W = 900, H = 520, LEFT = 80, RIGHT = 30, TOP = 50, BOTTOM = 70;

    private PercentilePlot() {
    }

    static String svg(String title, Map<String, Histogram> series) {
        double maxNines = 1;
        long maxMicros = 1;
        for (Histogram h : series.values()) {
            if (h.getTotalCount() > 0) {
                maxNines = Math.max(maxNines, Math.log10(Math.max(10, h.getTotalCount())));
                maxMicros = Math.max(maxMicros, h.getMaxValue());
            }
        }
        maxNines = Math.min(Math.ceil(maxNines), 6);
        double yMax = niceCeiling(maxMicros / 1000.0);
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(W).append("\" height=\"").append(H)
                .append("\" viewBox=\"0 0 ").append(W).append(' ').append(H).append("\" font-family=\"sans-serif\">\n");
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(text(W / 2.0, 28, 16, "middle", escape(title) + " — latency by percentile"));
        int pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
        // Grid and x labels: 0, 90, 99, 99.9, ...
        for (int n = 0; n <= maxNines; n++) {
            double x = LEFT + pw * n / maxNines;
            s.append(line(x, TOP, x, TOP + ph, "#ddd"));
            String label = n == 0 ? "0%" : percentLabel(n);
            s.append(text(x, TOP + ph + 20, 12, "middle", label));
        }
        double x50 = LEFT + pw * Math.log10(2) / maxNines;
        s.append(line(x50, TOP, x50, TOP + ph, "#eee"));
        s.append(text(x50, TOP + ph + 20, 12, "middle", "50%"));
        for (int i = 0; i <= 5; i++) {
            double v = yMax * i / 5;
            double y = TOP + ph - ph * i / 5.0;
            s.append(line(LEFT, y, LEFT + pw, y, "#ddd"));
            s.append(text(LEFT - 8, y + 4, 12, "end", trim(v)));
        }
        s.append(text(LEFT + pw / 2.0, H - 20, 13, "middle", "percentile"));
        int mid = TOP + ph / 2;
        s.append("<text x=\"20\" y=\"").append(mid)
                .append("\" font-size=\"13\" text-anchor=\"middle\" transform=\"rotate(-90 20 ").append(mid)
                .append(")\">latency (ms)</text>\n");
        s.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(pw)
                .append("\" height=\"").append(ph).append("\" fill=\"none\" stroke=\"#444\"/>\n");
        int c = 0;
        for (Map.Entry<String, Histogram> e : series.entrySet()) {
            Histogram h = e.getValue();
            String color = COLORS[c % COLORS.length];
            if (h.getTotalCount() > 0) {
                List<String> pts = new ArrayList<>();
                for (HistogramIterationValue v : h.percentiles(5)) {
                    double p = v.getPercentileLevelIteratedTo() / 100.0;
                    double nines = p >= 1 ? maxNines : Math.min(maxNines, -Math.log10(1 - p));
                    double x = LEFT + pw * nines / maxNines;
                    double y = TOP + ph - ph * Math.min(1, (v.getValueIteratedTo() / 1000.0) / yMax);
                    pts.add(String.format(Locale.ROOT, "%.1f,%.1f", x, y));
                    if (p >= 1) {
                        break;
                    }
                }
                s.append("<polyline fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\" points=\"")
                        .append(String.join(" ", pts)).append("\"/>\n");
            }
            double ly = TOP + 18 + 18 * c;
            s.append(line(LEFT + 12, ly - 4, LEFT + 36, ly - 4, color));
            s.append(text(LEFT + 42, ly, 12, "start", escape(e.getKey()) + String.format(Locale.ROOT,
                    "  (n=%,d, p99 %s ms, max %s ms)", h.getTotalCount(),
                    Report.fmtMs(h.getValueAtPercentile(99)), Report.fmtMs(h.getMaxValue()))));
            c++;
        }
        s.append("</svg>\n");
        return s.toString();
    }

    /** 1 -> 90%, 2 -> 99%, 3 -> 99.9%, 4 -> 99.99%, ... */
    static String percentLabel(int nines) {
        if (nines == 1) {
            return "90%";
        }
        return "99" + (nines >= 3 ? "." + "9".repeat(nines - 2) : "") + "%";
    }

    private static double niceCeiling(double v) {
        double mag = Math.pow(10, Math.floor(Math.log10(Math.max(v, 0.001))));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * mag >= v) {
                return m * mag;
            }
        }
        return 10 * mag;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String line(double x1, double y1, double x2, double y2, String color) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n",
                x1, y1, x2, y2, color);
    }

    private static String text(double x, double y, int size, String anchor, String body) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\">%s</text>%n",
                x, y, size, anchor, body);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
