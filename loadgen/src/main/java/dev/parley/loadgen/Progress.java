package dev.parley.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The live line printed every second while a run goes on: rates of sent, confirmed and delivered
 * messages, delivery and confirmation percentiles of that second, errors, and the CPU used by the
 * generator and the node (in cores). Each line is also kept for the results' timeline.
 */
final class Progress implements AutoCloseable {
    private final Stats stats;
    private final PrintStream out;
    private final ProcStats.CpuMeter generatorCpu;
    private final java.util.function.LongSupplier nodePid;
    private long lastNodePid;
    private final Supplier<String> phase;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("bench-progress").daemon(true).factory());
    private final JsonArray timeline = new JsonArray();
    private final long start = System.nanoTime();
    private long lastSent, lastConfirmed, lastDelivered, lastErrors, lastTick = System.nanoTime();
    private long lastGenCpu = -1, lastNodeCpu = -1;

    Progress(Stats stats, PrintStream out, long generatorPid, java.util.function.LongSupplier nodePid,
             Supplier<String> phase) {
        this.stats = stats;
        this.out = out;
        this.generatorCpu = new ProcStats.CpuMeter(generatorPid).start();
        this.nodePid = nodePid;
        this.phase = phase;
        lastGenCpu = ProcStats.cpuNanos(generatorPid);
        lastNodePid = nodePid.getAsLong();
        lastNodeCpu = lastNodePid > 0 ? ProcStats.cpuNanos(lastNodePid) : -1;
        timer.scheduleAtFixedRate(this::tick, 1, 1, TimeUnit.SECONDS);
    }

    private synchronized void tick() {
        try {
            long now = System.nanoTime();
            double secs = (now - lastTick) / 1e9;
            lastTick = now;
            long s = stats.sent.sum(), c = stats.confirmed.sum(), d = stats.delivered.sum(), e = stats.errors.sum();
            Histogram del = stats.liveDelivery.getIntervalHistogram();
            Histogram conf = stats.liveConfirmation.getIntervalHistogram();
            long gen = ProcStats.cpuNanos(generatorCpu.pid());
            long pid = nodePid.getAsLong();
            if (pid != lastNodePid) {
                // The node was restarted: start counting afresh.
                lastNodePid = pid;
                lastNodeCpu = -1;
            }
            long node = pid > 0 ? ProcStats.cpuNanos(pid) : -1;
            double genCores = gen < 0 || lastGenCpu < 0 ? -1 : (gen - lastGenCpu) / (secs * 1e9);
            double nodeCores = node < 0 || lastNodeCpu < 0 ? -1 : (node - lastNodeCpu) / (secs * 1e9);
            lastGenCpu = gen;
            lastNodeCpu = node;
            double sentRate = (s - lastSent) / secs;
            double confRate = (c - lastConfirmed) / secs;
            double delRate = (d - lastDelivered) / secs;
            long newErrors = e - lastErrors;
            lastSent = s;
            lastConfirmed = c;
            lastDelivered = d;
            lastErrors = e;
            long t = Math.round((now - start) / 1e9);
            out.printf(Locale.ROOT, "[%4ds %-9s] sent %9s  confirmed %9s  delivered %10s | delivery p50 %6s p99 %7s"
                            + " | confirm p99 %7s ms | errors %d | cpu gen %.2f node %s%n",
                    t, phase.get(), Report.rate(sentRate), Report.rate(confRate), Report.rate(delRate),
                    del.getTotalCount() == 0 ? "-" : Report.fmtMs(del.getValueAtPercentile(50)),
                    del.getTotalCount() == 0 ? "-" : Report.fmtMs(del.getValueAtPercentile(99)),
                    conf.getTotalCount() == 0 ? "-" : Report.fmtMs(conf.getValueAtPercentile(99)),
                    newErrors, genCores, nodeCores < 0 ? "n/a" : String.format(Locale.ROOT, "%.2f", nodeCores));
            JsonObject row = new JsonObject().put("t", t).put("phase", phase.get()).put("sentPerSecond", Math.round(sentRate))
                    .put("confirmedPerSecond", Math.round(confRate)).put("deliveredPerSecond", Math.round(delRate))
                    .put("errors", newErrors).put("generatorCores", round2(genCores)).put("nodeCores", round2(nodeCores));
            if (del.getTotalCount() > 0) {
                row.put("deliveryP50Ms", del.getValueAtPercentile(50) / 1000.0)
                        .put("deliveryP99Ms", del.getValueAtPercentile(99) / 1000.0)
                        .put("deliveryMaxMs", del.getMaxValue() / 1000.0);
            }
            if (conf.getTotalCount() > 0) {
                row.put("confirmationP99Ms", conf.getValueAtPercentile(99) / 1000.0);
            }
            timeline.add(row);
        } catch (RuntimeException ex) {
            out.println("progress: " + ex);
        }
    }

    private static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    synchronized JsonArray timeline() {
        return timeline.copy();
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
