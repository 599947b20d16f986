package dev.parley.loadgen;

import java.io.PrintStream;
import java.time.Duration;

/**
 * The timed part of a fixed-rate messaging workload: a warmup at the rate, then a measured window
 * at the same rate with the generator's and the node's CPU metered, then waiting until everything
 * sent has settled. The progress timeline goes into the report.
 */
record SteadyRate(Stats.Window window, ProcStats.CpuMeter generatorCpu, ProcStats.CpuMeter nodeCpu, boolean drained) {

    static SteadyRate run(Traffic traffic, GeneratorClients clients, Stats stats, Node node, PrintStream out,
                          Report report, double rate, Duration warmup, Duration duration, Duration drainLimit)
            throws InterruptedException {
        return run(traffic, clients, stats, node, out, report, rate, warmup, duration, drainLimit, false);
    }

    /**
     * @param settle start the measured window only once everything the warmup sent has arrived
     *     ({@link Traffic#drain}), so that a backlog left by cold code (the first seconds of both
     *     JVMs interpreted, and compiling on the same cores) is not measured as the node's latency
     */
    static SteadyRate run(Traffic traffic, GeneratorClients clients, Stats stats, Node node, PrintStream out,
                          Report report, double rate, Duration warmup, Duration duration, Duration drainLimit,
                          boolean settle) throws InterruptedException {
        String[] phase = {"warmup"};
        ProcStats.CpuMeter gen = new ProcStats.CpuMeter(ProcStats.self());
        ProcStats.CpuMeter nodeCpu = new ProcStats.CpuMeter(node.pid());
        try (Progress progress = new Progress(stats, out, ProcStats.self(), node::pid, () -> phase[0])) {
            long now = System.nanoTime();
            stats.beginWindow("warmup", now, now + warmup.toNanos());
            traffic.run(rate, warmup);
            if (settle) {
                phase[0] = "settle";
                Traffic.drain(clients, Duration.ofMillis(200), drainLimit);
            }
            phase[0] = "measure";
            traffic.resetLag();
            now = System.nanoTime();
            Stats.Window w = stats.beginWindow("measure", now, now + duration.toNanos());
            gen.start();
            nodeCpu.start();
            traffic.run(rate, duration);
            gen.stop();
            nodeCpu.stop();
            phase[0] = "drain";
            boolean drained = Traffic.drain(clients, Duration.ofMillis(500), drainLimit);
            report.json.put("timeline", progress.timeline());
            return new SteadyRate(w, gen, nodeCpu, drained);
        }
    }
}
