package dev.parley.loadgen;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Locale;

/**
 * {@code parley bench latency}: N users on a ring, each messaging its nearest neighbours in turn,
 * at a fixed total rate. Measures time to confirmation ({@code send} to {@code sent} on the
 * sender) and time to delivery ({@code send} to the {@code message} frame on the recipient's
 * device, from the timestamp in the body).
 */
@Command(name = "latency", mixinStandardHelpOptions = true,
        description = "One-to-one messaging at a fixed rate: time to confirmation and to delivery.")
final class LatencyWorkload extends RingWorkload {
    @Option(names = "--rate", description = "Messages per second, all users together (default: ${DEFAULT-VALUE}).")
    double rate = 10_000;

    @Option(names = "--duration", converter = DurationConverter.class,
            description = "Measured time (default: 30s).")
    Duration duration = Duration.ofSeconds(30);

    @Option(names = "--warmup", converter = DurationConverter.class,
            description = "Time at the same rate before measuring (default: 5s).")
    Duration warmup = Duration.ofSeconds(5);

    @Option(names = "--read-receipts", description = "Every recipient answers each message with a `read` receipt,"
            + " as a client showing the conversation does (default: none).")
    boolean readReceipts;

    @Override
    String name() {
        return "latency";
    }

    @Override
    JsonObject parameters() {
        return new JsonObject().put("users", users).put("neighbours", neighbours).put("rate", rate)
                .put("durationSeconds", duration.toMillis() / 1000.0).put("warmupSeconds", warmup.toMillis() / 1000.0)
                .put("readReceipts", readReceipts);
    }

    @Override
    boolean measure(Node node, Report report, Stats stats, GeneratorClients clients, Session s) throws Exception {
        if (readReceipts) {
            clients.devices.forEach(d -> d.sendReadReceipts(true));
        }
        SteadyRate run = SteadyRate.run(s.traffic, clients, stats, node, out, report, rate, warmup, duration,
                Duration.ofSeconds(30));
        clients.barrier();
        Correctness c = Correctness.check(s.population.conversations, s.population.devices);
        addMessagingFigures(report, run, stats, s.traffic, c, 1);
        Histogram del = run.window().delivery();
        if (readReceipts) {
            report.row("read receipts sent / receipts received", String.format(Locale.ROOT, "%,d / %,d",
                    stats.readsSent.sum(), stats.receiptsReceived.sum()), "");
            report.json.put("receipts", new JsonObject().put("readsSent", stats.readsSent.sum())
                    .put("receiptsReceived", stats.receiptsReceived.sum()));
        }
        report.row("goal", goalText(), goalMet(del));
        return verdict(c, stats);
    }

    private String goalText() {
        boolean fsync = "fsync".equals(options.durabilityLabel());
        if (!fsync && rate <= 10_000) {
            return "delivery p99 < 5 ms at 10,000/s (os)";
        }
        return "delivery p99 < 50 ms at " + (fsync ? "50,000/s (fsync)" : "100,000/s (os)");
    }

    private String goalMet(Histogram del) {
        boolean fsync = "fsync".equals(options.durabilityLabel());
        double p99 = del.getValueAtPercentile(99) / 1000.0;
        double bound = !fsync && rate <= 10_000 ? 5 : 50;
        double goalRate = !fsync && rate <= 10_000 ? 10_000 : fsync ? 50_000 : 100_000;
        String v = String.format(Locale.ROOT, "p99 %.2f ms at %,.0f/s", p99, rate);
        if (rate < goalRate * 0.99) {
            return v + " (below the goal's rate)";
        }
        return v + (p99 < bound ? " (met)" : " (NOT met)");
    }

    /** The rows every messaging workload reports: rates, latencies, CPU, correctness. */
    static void addMessagingFigures(Report report, SteadyRate run, Stats stats, Traffic traffic, Correctness c,
                                    int recipientsPerMessage) {
        Stats.Window w = run.window();
        ProcStats.CpuMeter gen = run.generatorCpu();
        ProcStats.CpuMeter node = run.nodeCpu();
        boolean drained = run.drained();
        Histogram del = w.delivery();
        Histogram conf = w.confirmation();
        double secs = w.seconds();
        double sent = w.sent.sum() / secs, confirmed = w.confirmed.sum() / secs, delivered = w.delivered.sum() / secs;
        report.row("sent", Report.rate(sent), "")
                .row("confirmed", Report.rate(confirmed), "")
                .row("delivered", Report.rate(delivered), recipientsPerMessage > 1
                        ? String.format(Locale.ROOT, "(%d recipients per message)", recipientsPerMessage) : "")
                .row("confirmation p50/p90/p99/p99.9/max", Report.fiveNumbers(conf), "")
                .row("delivery p50/p90/p99/p99.9/max", Report.fiveNumbers(del), "")
                .row("correctness", c.passed() ? "PASS" : "FAIL", "nothing confirmed lost, no duplicates, in order")
                .row("  confirmed / delivered", String.format(Locale.ROOT, "%,d / %,d (expected %,d)", c.confirmed(),
                        c.delivered(), c.expectedDeliveries()), "")
                .row("  lost / gaps / dup / order / echo", String.format(Locale.ROOT, "%d / %d / %d / %d / %d", c.lost(),
                        c.gaps(), c.duplicates(), c.outOfOrder(), c.echoes()), "all 0")
                .row("  unconfirmed / closed by node", c.unconfirmed() + " / " + c.unexpectedCloses(), "all 0")
                .row("errors", stats.errors.sum() + " " + stats.errorCodes(), "0")
                .row("generator cpu", cores(gen.cores()) + ", max schedule lag "
                        + Report.fmtMs(traffic.maxLagNanos() / 1000) + " ms", "lag well under p99")
                .row("node cpu", cores(node.cores()), "");
        report.latency("delivery", "delivery", del).latency("confirmation", "confirmation", conf);
        report.json.put("window", new JsonObject().put("seconds", secs).put("sent", w.sent.sum())
                        .put("confirmed", w.confirmed.sum()).put("delivered", w.delivered.sum()))
                .put("rates", new JsonObject().put("sentPerSecond", sent).put("confirmedPerSecond", confirmed)
                        .put("deliveredPerSecond", delivered))
                .put("correctness", c.toJson().put("drained", drained))
                .put("errors", new JsonObject(new java.util.LinkedHashMap<>(stats.errorCodes())))
                .put("cpu", new JsonObject().put("generatorCores", gen.cores()).put("nodeCores", node.cores())
                        .put("machineCores", Runtime.getRuntime().availableProcessors())
                        .put("maxScheduleLagMs", traffic.maxLagNanos() / 1e6).put("skippedSends", traffic.skipped()));
        if (!drained) {
            report.note("WARNING: the run did not settle within 30 s after sending stopped");
        }
    }

    /**
     * A messaging run passes when its correctness check passes, something was confirmed, and the
     * node refused nothing: a run whose sends were refused measured something else.
     */
    static boolean verdict(Correctness c, Stats stats) {
        return c.passed() && c.confirmed() > 0 && stats.errors.sum() == 0;
    }

    static String cores(double c) {
        return c < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f cores (%.0f%% of the machine)", c,
                100 * c / Runtime.getRuntime().availableProcessors());
    }
}
