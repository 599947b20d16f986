package dev.parley.loadgen;

import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code parley bench reconnect}: C clients exchange messages; then the node is restarted (or,
 * with {@code --mode drop}, every connection is dropped) while they keep sending. Each client
 * reconnects with backoff, resumes from its positions, and sends again what was not confirmed.
 * Measures the time until every client is back and caught up ({@code synced}), and checks that
 * nothing confirmed was lost or repeated across the restart.
 */
@Command(name = "reconnect", mixinStandardHelpOptions = true,
        description = "Restart the node (or drop every connection): time until every client is back and caught up.")
final class ReconnectWorkload extends WorkloadCommand {
    @Option(names = "--clients", description = "Clients (users with one device each) (default: ${DEFAULT-VALUE}).")
    int clients = 2000;

    @Option(names = "--neighbours", description = "Neighbours on each side a client messages (default: ${DEFAULT-VALUE}).")
    int neighbours = 1;

    @Option(names = "--rate", description = "Messages per second, all clients together (default: ${DEFAULT-VALUE}).")
    double rate = 2000;

    @Option(names = "--mode", description = "restart (stop and start the node; needs a node the tool started) or drop"
            + " (close every connection from the client side) (default: ${DEFAULT-VALUE}).")
    String mode = "restart";

    @Option(names = "--before", converter = DurationConverter.class, description = "Traffic before the restart (default: 5s).")
    Duration before = Duration.ofSeconds(5);

    @Option(names = "--after", converter = DurationConverter.class,
            description = "Traffic after every client is back (default: 5s).")
    Duration after = Duration.ofSeconds(5);

    @Option(names = "--timeout", converter = DurationConverter.class,
            description = "Longest wait for every client to be back (default: 60s).")
    Duration timeout = Duration.ofSeconds(60);

    @Option(names = "--backoff-initial", converter = DurationConverter.class,
            description = "First reconnect delay, doubled on each failure, randomised between half and all of it"
                    + " (default: 250ms).")
    Duration backoffInitial = Duration.ofMillis(250);

    @Option(names = "--backoff-max", converter = DurationConverter.class,
            description = "Longest reconnect delay (default: 4s).")
    Duration backoffMax = Duration.ofSeconds(4);

    @Override
    String name() {
        return "reconnect";
    }

    @Override
    JsonObject parameters() {
        return new JsonObject().put("clients", clients).put("neighbours", neighbours).put("rate", rate).put("mode", mode)
                .put("beforeSeconds", before.toMillis() / 1000.0).put("afterSeconds", after.toMillis() / 1000.0)
                .put("backoffInitialMs", backoffInitial.toMillis()).put("backoffMaxMs", backoffMax.toMillis());
    }

    @Override
    boolean run(Node node, Report report) throws Exception {
        if (mode.equals("restart") && !node.restartable()) {
            log("a node given by --url cannot be restarted by the tool; use --mode drop");
            return false;
        }
        Stats stats = new Stats();
        AtomicInteger live = new AtomicInteger();
        AtomicLong lastLive = new AtomicLong();
        // How each device's connection ended at the restart (its first close after the stop):
        // 1012 when the node's close reached it, 1006 when the connection just dropped.
        java.util.concurrent.ConcurrentHashMap<Device, Integer> stopCloses = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        Device.Listener listener = new Device.Listener() {
            @Override
            public void live(Device d, long now) {
                live.incrementAndGet();
                lastLive.accumulateAndGet(now, Math::max);
            }

            @Override
            public void down(Device d, int closeCode) {
                live.decrementAndGet();
                if (stopping.get()) {
                    stopCloses.putIfAbsent(d, closeCode);
                }
            }
        };
        try (Rest rest = new Rest(node.http());
             GeneratorClients generator = startClients(node, stats)) {
            Session s = Session.open(this, node, rest, generator, clients, neighbours, true, listener);
            if (s == null) {
                return false;
            }
            for (Device d : s.population.devices) {
                d.backoff(backoffInitial.toMillis(), backoffMax.toMillis());
            }
            String[] phase = {"before"};
            long downAt, upAt = -1, allBackAt = -1;
            int minLive;
            boolean drained;
            Traffic traffic = s.traffic;
            Thread sender;
            try (Progress progress = new Progress(stats, out, ProcStats.self(), node::pid, () -> phase[0])) {
                long now = System.nanoTime();
                stats.beginWindow("run", now, Long.MAX_VALUE);
                traffic.run(rate, before);
                // Traffic goes on through the restart; offline clients skip their turns.
                long total = timeout.toNanos() + after.toNanos() + 10_000_000_000L;
                sender = Thread.ofPlatform().name("bench-traffic").start(() -> traffic.run(rate, Duration.ofNanos(total)));
                phase[0] = "down";
                stopping.set(true);
                downAt = System.nanoTime();
                if (mode.equals("restart")) {
                    long[] t = node.restart();
                    downAt = t[0];
                    upAt = t[1];
                    log("node restarted: %.2f s from stop to healthy (%.2f s until the process exited, %.2f s from"
                            + " then until healthy)", (upAt - downAt) / 1e9, (t[2] - downAt) / 1e9, (upAt - t[2]) / 1e9);
                } else {
                    for (Device d : s.population.devices) {
                        d.onLoop(d::drop);
                    }
                }
                phase[0] = "back";
                long deadline = System.nanoTime() + timeout.toNanos();
                minLive = live.get();
                // Wait for every device to have gone down and come back live after downAt. Only
                // those not seen back yet are looked at again, and not often: the time reported
                // is the latest device's own, so the poll adds nothing to the figure and takes
                // little from the CPU the node shares (all 18,000 every 20 ms: 0.02-0.03 cores).
                List<Device> away = new ArrayList<>(s.population.devices);
                long since = downAt;
                while (System.nanoTime() < deadline) {
                    away.removeIf(d -> d.liveAtNanos > since);
                    minLive = Math.min(minLive, live.get());
                    if (away.isEmpty()) {
                        allBackAt = System.nanoTime();
                        break;
                    }
                    Thread.sleep(100);
                }
                long latest = 0;
                for (Device d : s.population.devices) {
                    latest = Math.max(latest, d.liveAtNanos);
                }
                if (allBackAt > 0) {
                    allBackAt = latest;
                    log("every client back and caught up %.2f s after the stop began", (allBackAt - downAt) / 1e9);
                } else {
                    log("not every client came back within %s", timeout);
                }
                phase[0] = "after";
                Thread.sleep(after.toMillis());
                stopTraffic(traffic, sender);
                phase[0] = "drain";
                drained = Traffic.drain(generator, Duration.ofMillis(500), Duration.ofSeconds(30));
                report.json.put("timeline", progress.timeline());
            }
            generator.barrier();
            Correctness c = Correctness.check(s.population.conversations, s.population.devices);
            long resends = 0, byCatchUp = 0;
            for (Device d : s.population.devices) {
                resends += d.resends;
                byCatchUp += d.confirmedByCatchUp;
            }
            double[] backBy = quantiles(s.population.devices.stream().mapToLong(d -> d.liveAtNanos), downAt);
            double[] readyBy = quantiles(s.population.devices.stream().mapToLong(d -> d.readyAtNanos), downAt);
            long refused = 0;
            for (Device d : s.population.devices) {
                refused += d.connectFailures;
            }
            double backSecs = allBackAt > 0 ? (allBackAt - downAt) / 1e9 : -1;
            double afterHealthy = allBackAt > 0 && upAt > 0 ? (allBackAt - upAt) / 1e9 : -1;
            report.row("clients", String.format(Locale.ROOT, "%,d (%,d conversations)", clients,
                    s.population.conversations.size()), "")
                    .row("mode", mode, "")
                    .row("node down (stop to healthy)", upAt > 0 ? String.format(Locale.ROOT, "%.2f s", (upAt - downAt) / 1e9)
                            : "n/a", "")
                    .row("all back and caught up, from stop", backSecs < 0 ? "NOT within " + timeout
                            : String.format(Locale.ROOT, "%.2f s", backSecs), "< 10 s of a node restart")
                    .row("all back, from node healthy", afterHealthy < 0 ? "n/a"
                            : String.format(Locale.ROOT, "%.2f s", afterHealthy), "")
                    .row("back by, from stop: 50% / 90% / 99%", String.format(Locale.ROOT, "%.2f / %.2f / %.2f s",
                            backBy[0], backBy[1], backBy[2]), "")
                    .row("ready (before catch-up) by: 50% / 90% / 99%", String.format(Locale.ROOT, "%.2f / %.2f / %.2f s",
                            readyBy[0], readyBy[1], readyBy[2]), "")
                    .row("connects refused while down, per client", String.format(Locale.ROOT, "%.2f", (double) refused / clients), "")
                    .row("close codes at the stop", closeCodes(stopCloses), "1012: told to reconnect; 1006: dropped")
                    .row("resent after reconnect / confirmed by catch-up", resends + " / " + byCatchUp, "")
                    .row("sends skipped while offline", Long.toString(traffic.skipped()), "")
                    .row("correctness", c.line(), "")
                    .row("errors", stats.errors.sum() + " " + stats.errorCodes(), "");
            report.json.put("downSeconds", upAt > 0 ? (upAt - downAt) / 1e9 : null)
                    .put("backBySeconds", new JsonObject().put("p50", backBy[0]).put("p90", backBy[1]).put("p99", backBy[2]))
                    .put("readyBySeconds", new JsonObject().put("p50", readyBy[0]).put("p90", readyBy[1]).put("p99", readyBy[2]))
                    .put("refusedConnectsPerClient", (double) refused / clients)
                    .put("allBackSeconds", backSecs).put("allBackAfterHealthySeconds", afterHealthy)
                    .put("stopCloseCodes", new JsonObject(new java.util.LinkedHashMap<>(codeCounts(stopCloses))))
                    .put("resends", resends).put("confirmedByCatchUp", byCatchUp).put("skippedSends", traffic.skipped())
                    .put("correctness", c.toJson().put("drained", drained))
                    .put("errors", new JsonObject(new java.util.LinkedHashMap<>(stats.errorCodes())));
            return c.passed() && c.confirmed() > 0 && allBackAt > 0;
        }
    }

    /**
     * When half, 90% and 99% of the devices had done something again (gone live, been answered
     * {@code ready}), in seconds from {@code downAt}, from each device's latest time: where the
     * last one's time comes from (the clients' backoff steps, the node admitting the storm, or
     * the catch-ups).
     */
    private static double[] quantiles(java.util.stream.LongStream atNanos, long downAt) {
        long[] back = atNanos.map(t -> t > downAt ? t - downAt : Long.MAX_VALUE).sorted().toArray();
        double[] q = {0.5, 0.9, 0.99};
        double[] out = new double[q.length];
        for (int i = 0; i < q.length; i++) {
            long v = back[Math.min(back.length - 1, (int) Math.ceil(q[i] * back.length) - 1)];
            out[i] = v == Long.MAX_VALUE ? Double.NaN : v / 1e9;
        }
        return out;
    }

    private static java.util.Map<String, Object> codeCounts(java.util.Map<Device, Integer> closes) {
        java.util.Map<String, Object> counts = new java.util.TreeMap<>();
        for (int code : closes.values()) {
            counts.merge(Integer.toString(code), 1, (a, b) -> (Integer) a + (Integer) b);
        }
        return counts;
    }

    private static String closeCodes(java.util.Map<Device, Integer> closes) {
        StringBuilder line = new StringBuilder();
        codeCounts(closes).forEach((code, n) -> line.append(line.isEmpty() ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s x%,d", code, (Integer) n)));
        return line.isEmpty() ? "none" : line.toString();
    }

    private static void stopTraffic(Traffic traffic, Thread sender) throws InterruptedException {
        traffic.run(0, Duration.ZERO);
        sender.join(10_000);
    }
}
