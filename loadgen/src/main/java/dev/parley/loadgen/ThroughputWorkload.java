package dev.parley.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Locale;

/**
 * {@code parley bench throughput}: the latency workload's traffic, stepping the rate up until
 * delivery stops keeping pace or p99 delivery passes a bound; reports the highest rate sustained.
 *
 * <p>A step is sustained when the generator sent at least 97% of the rate asked, at least 95% of
 * the step's messages were delivered while the step ran, its p99 delivery is under the bound, and
 * the node refused nothing. Between steps sending pauses until everything has settled, so each
 * step starts from an idle node.
 */
@Command(name = "throughput", mixinStandardHelpOptions = true,
        description = "One-to-one messaging, stepping the rate up: the highest rate the node sustains.")
final class ThroughputWorkload extends RingWorkload {
    @Option(names = "--start-rate", description = "Rate of the first step, messages/s (default: ${DEFAULT-VALUE}).")
    double startRate = 5_000;

    @Option(names = "--factor", description = "Each step's rate over the previous one (default: ${DEFAULT-VALUE}).")
    double factor = 1.4;

    @Option(names = "--max-rate", description = "Stop stepping above this rate (default: ${DEFAULT-VALUE}).")
    double maxRate = 400_000;

    @Option(names = "--step", converter = DurationConverter.class, description = "Time per step (default: 10s).")
    Duration step = Duration.ofSeconds(10);

    @Option(names = "--warmup", converter = DurationConverter.class,
            description = "Time at the start rate before the first step (default: 5s).")
    Duration warmup = Duration.ofSeconds(5);

    @Option(names = "--p99-bound", converter = DurationConverter.class,
            description = "Delivery p99 above which a step is not sustained (default: 50ms).")
    Duration p99Bound = Duration.ofMillis(50);

    @Override
    String name() {
        return "throughput";
    }

    @Override
    JsonObject parameters() {
        return new JsonObject().put("users", users).put("neighbours", neighbours).put("startRate", startRate)
                .put("factor", factor).put("maxRate", maxRate).put("stepSeconds", step.toMillis() / 1000.0)
                .put("warmupSeconds", warmup.toMillis() / 1000.0).put("p99BoundMs", p99Bound.toMillis());
    }

    @Override
    boolean measure(Node node, Report report, Stats stats, GeneratorClients clients, Session s) throws Exception {
        String[] phase = {"warmup"};
        JsonArray steps = new JsonArray();
        double best = 0;
        Histogram bestDelivery = null, bestConfirmation = null;
        JsonObject bestStep = null;
        try (Progress progress = new Progress(stats, out, ProcStats.self(), node::pid, () -> phase[0])) {
            long now = System.nanoTime();
            stats.beginWindow("warmup", now, now + warmup.toNanos());
            s.traffic.run(startRate, warmup);
            Traffic.drain(clients, Duration.ofMillis(300), Duration.ofSeconds(30));
            for (double rate = startRate; rate <= maxRate; rate *= factor) {
                phase[0] = String.format(Locale.ROOT, "%.0fk", rate / 1000);
                s.traffic.resetLag();
                long errorsBefore = stats.errors.sum();
                long deliveredBefore = stats.delivered.sum();
                ProcStats.CpuMeter gen = new ProcStats.CpuMeter(ProcStats.self()).start();
                ProcStats.CpuMeter nodeCpu = new ProcStats.CpuMeter(node.pid()).start();
                now = System.nanoTime();
                Stats.Window w = stats.beginWindow(phase[0], now, now + step.toNanos());
                s.traffic.run(rate, step);
                long deliveredDuring = stats.delivered.sum() - deliveredBefore;
                gen.stop();
                nodeCpu.stop();
                boolean settled = Traffic.drain(clients, Duration.ofMillis(300), Duration.ofSeconds(30));
                Histogram del = w.delivery();
                double secs = w.seconds();
                double sentRate = w.sent.sum() / secs;
                double duringRate = deliveredDuring / secs;
                long p99 = del.getValueAtPercentile(99);
                long errors = stats.errors.sum() - errorsBefore;
                boolean sustained = sentRate >= 0.97 * rate && duringRate >= 0.95 * rate
                        && p99 <= p99Bound.toMillis() * 1000 && errors == 0 && settled;
                JsonObject row = new JsonObject().put("rate", Math.round(rate)).put("sentPerSecond", Math.round(sentRate))
                        .put("deliveredDuringStepPerSecond", Math.round(duringRate))
                        .put("delivery", Report.percentiles(del)).put("confirmation", Report.percentiles(w.confirmation()))
                        .put("errors", errors).put("settled", settled).put("sustained", sustained)
                        .put("generatorCores", gen.cores()).put("nodeCores", nodeCpu.cores())
                        .put("maxScheduleLagMs", s.traffic.maxLagNanos() / 1e6);
                steps.add(row);
                report.row(String.format(Locale.ROOT, "step %,.0f/s", rate), String.format(Locale.ROOT,
                        "sent %s, delivered %s, p99 %s ms, cpu gen %.2f node %.2f", Report.rate(sentRate),
                        Report.rate(duringRate), Report.fmtMs(p99), gen.cores(), nodeCpu.cores()),
                        sustained ? "sustained" : "NOT sustained");
                log("step %,.0f/s: %s", rate, sustained ? "sustained" : "not sustained");
                if (!sustained) {
                    break;
                }
                best = rate;
                bestDelivery = del;
                bestConfirmation = w.confirmation();
                bestStep = row;
            }
            report.json.put("timeline", progress.timeline());
        }
        clients.barrier();
        Correctness c = Correctness.check(s.population.conversations, s.population.devices);
        String goal = "fsync".equals(options.durabilityLabel()) ? ">= 50,000/s with p99 < 50 ms (fsync)"
                : ">= 100,000/s with p99 < 50 ms (os)";
        report.row("highest sustained rate", Report.rate(best), goal)
                .row("correctness", c.line(), "")
                .row("errors", stats.errors.sum() + " " + stats.errorCodes(), "");
        if (bestDelivery != null) {
            report.row("delivery at that rate", Report.fiveNumbers(bestDelivery), "p99 < " + p99Bound.toMillis() + " ms");
            report.latency("delivery", String.format(Locale.ROOT, "delivery at %,.0f/s", best), bestDelivery)
                    .latency("confirmation", String.format(Locale.ROOT, "confirmation at %,.0f/s", best),
                            bestConfirmation);
        }
        report.json.put("steps", steps).put("highestSustainedRate", best).put("bestStep", bestStep)
                .put("correctness", c.toJson());
        return c.passed() && c.confirmed() > 0;
    }
}
