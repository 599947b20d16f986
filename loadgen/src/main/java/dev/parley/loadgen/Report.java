package dev.parley.loadgen;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The end of a run: a table on the terminal, and a results directory holding {@code results.json}
 * (every figure, the parameters and the machine), {@code summary.txt} (the table) and, for
 * workloads that time messages, {@code latency.svg} (a percentile plot).
 */
final class Report {
    private final String workload;
    private final Path dir;
    final JsonObject json = new JsonObject();
    private final List<String[]> rows = new ArrayList<>();
    private final Map<String, Histogram> plotted = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    Report(String workload, Path dir) {
        this.workload = workload;
        this.dir = dir;
        json.put("workload", workload).put("machine", MachineInfo.describe());
    }

    Path dir() {
        return dir;
    }

    /** A row of the table: what, the figure, and the goal it is measured against (or ""). */
    Report row(String what, String value, String goal) {
        rows.add(new String[] {what, value, goal});
        return this;
    }

    Report note(String note) {
        notes.add(note);
        return this;
    }

    /** Adds a latency series to the plot (and to the JSON under {@code latency.<key>}). */
    Report latency(String key, String label, Histogram h) {
        plotted.put(label, h);
        JsonObject lat = json.getJsonObject("latency");
        if (lat == null) {
            lat = new JsonObject();
            json.put("latency", lat);
        }
        lat.put(key, percentiles(h));
        return this;
    }

    static JsonObject percentiles(Histogram h) {
        JsonObject o = new JsonObject().put("unit", "ms").put("count", h.getTotalCount());
        if (h.getTotalCount() == 0) {
            return o;
        }
        return o.put("p50", ms(h.getValueAtPercentile(50))).put("p90", ms(h.getValueAtPercentile(90)))
                .put("p99", ms(h.getValueAtPercentile(99))).put("p99.9", ms(h.getValueAtPercentile(99.9)))
                .put("max", ms(h.getMaxValue())).put("mean", Math.round(h.getMean()) / 1000.0);
    }

    private static double ms(long micros) {
        return micros / 1000.0;
    }

    /** "p50 / p90 / p99 / p99.9 / max" in milliseconds. */
    static String fiveNumbers(Histogram h) {
        if (h.getTotalCount() == 0) {
            return "(none)";
        }
        return String.format(Locale.ROOT, "%s / %s / %s / %s / %s ms", fmtMs(h.getValueAtPercentile(50)),
                fmtMs(h.getValueAtPercentile(90)), fmtMs(h.getValueAtPercentile(99)), fmtMs(h.getValueAtPercentile(99.9)),
                fmtMs(h.getMaxValue()));
    }

    static String fmtMs(long micros) {
        double ms = micros / 1000.0;
        return ms < 10 ? String.format(Locale.ROOT, "%.2f", ms) : ms < 100 ? String.format(Locale.ROOT, "%.1f", ms)
                : String.format(Locale.ROOT, "%.0f", ms);
    }

    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f/s", perSecond);
    }

    static String bytes(long b) {
        if (b < 0) {
            return "n/a";
        }
        if (b < 10 * 1024) {
            return b + " B";
        }
        if (b < 10L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", b / (1024.0 * 1024));
    }

    /** Prints the table and writes the results directory; returns the text of the table. */
    String finish(boolean passed, PrintStream out) throws IOException {
        json.put("passed", passed);
        Files.createDirectories(dir);
        StringBuilder t = new StringBuilder();
        t.append("\nparley bench ").append(workload).append(" -- ").append(passed ? "PASS" : "FAIL").append('\n');
        int w0 = 10, w1 = 10;
        for (String[] r : rows) {
            w0 = Math.max(w0, r[0].length());
            w1 = Math.max(w1, r[1].length());
        }
        String fmt = "  %-" + w0 + "s  %-" + w1 + "s  %s%n";
        t.append(String.format(fmt, "figure", "value", "goal"));
        t.append(String.format(fmt, "-".repeat(w0), "-".repeat(w1), "----"));
        for (String[] r : rows) {
            t.append(String.format(fmt, r[0], r[1], r[2]));
        }
        for (String n : notes) {
            t.append("  ").append(n).append('\n');
        }
        t.append("  results: ").append(dir.toAbsolutePath()).append('\n');
        out.print(t);
        out.flush();
        Files.writeString(dir.resolve("results.json"), json.encodePrettily() + "\n");
        Files.writeString(dir.resolve("summary.txt"), t.toString());
        if (!plotted.isEmpty()) {
            Files.writeString(dir.resolve("latency.svg"), PercentilePlot.svg("parley bench " + workload, plotted));
        }
        return t.toString();
    }
}
