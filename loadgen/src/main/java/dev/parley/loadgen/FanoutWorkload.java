package dev.parley.loadgen;

import io.vertx.core.Context;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code parley bench fanout}: one group of G members, all online, a few of them sending at a
 * total rate R. Measures deliveries per second and, per message, the time until its last
 * recipient had it.
 */
@Command(name = "fanout", mixinStandardHelpOptions = true,
        description = "One large group, every member online: deliveries per second and time to the last member.")
final class FanoutWorkload extends WorkloadCommand {
    @Option(names = "--members", description = "Group members, one device each (default: ${DEFAULT-VALUE}).")
    int members = 1024;

    @Option(names = "--senders", description = "Members that send (default: ${DEFAULT-VALUE}).")
    int senders = 4;

    @Option(names = "--rate", description = "Messages per second, all senders together (default: ${DEFAULT-VALUE}).")
    double rate = 200;

    @Option(names = "--duration", converter = DurationConverter.class, description = "Measured time (default: 20s).")
    Duration duration = Duration.ofSeconds(20);

    @Option(names = "--warmup", converter = DurationConverter.class, description = "Time before measuring (default: 5s).")
    Duration warmup = Duration.ofSeconds(5);

    @Option(names = "--vertx-frames", description = "Read the devices' frames through Vert.x's WebSocket, as the tool did"
            + " before DeviceSocket (costs the generator more CPU per delivery; for comparison).")
    boolean vertxFrames;

    /**
     * One generator loop: beside a node with two loops on a 2-core machine, one loop that finds
     * many of its 1,024 sockets ready at each wake-up cost the generator 0.53-0.66 cores at 200
     * msg/s against 0.76-0.87 with two (docs/benchmarks.md, "Fan-out, third pass"), and kept up
     * at 500 msg/s.
     */
    @Override
    int defaultLoops() {
        return 1;
    }

    @Override
    String name() {
        return "fanout";
    }

    @Override
    JsonObject parameters() {
        return new JsonObject().put("members", members).put("senders", senders).put("rate", rate)
                .put("durationSeconds", duration.toMillis() / 1000.0).put("warmupSeconds", warmup.toMillis() / 1000.0)
                .put("frames", vertxFrames ? "vertx" : "own");
    }

    /**
     * Per event loop, for each message of the group (by relative seq): how many of the loop's
     * devices got it and when the last of them did. Written by one loop only; merged at the end.
     */
    static final class LastMember implements Device.DeliveryHook {
        int[] count = new int[1024];
        long[] sendNanos = new long[1024];
        long[] lastNanos = new long[1024];

        @Override
        public void delivered(Conv.Member m, int index, long send, long now) {
            if (index >= count.length) {
                int n = Math.max(index + 1, count.length * 2);
                count = java.util.Arrays.copyOf(count, n);
                sendNanos = java.util.Arrays.copyOf(sendNanos, n);
                lastNanos = java.util.Arrays.copyOf(lastNanos, n);
            }
            count[index]++;
            sendNanos[index] = send;
            if (now > lastNanos[index]) {
                lastNanos[index] = now;
            }
        }
    }

    @Override
    boolean run(Node node, Report report) throws Exception {
        Stats stats = new Stats();
        try (Rest rest = new Rest(node.http());
             GeneratorClients clients = startClients(node, stats)) {
            List<User> users = Population.users(rest, members, options.provisionConcurrency, out);
            List<Device> devices = clients.addDevices(users, options.bodySize, false, Session.NO_LISTENER);
            long t0 = System.nanoTime();
            long[] g = rest.group(users.getFirst(), users.subList(1, users.size()), "bench fanout");
            log("created a group of %,d in %.2f s", members, (System.nanoTime() - t0) / 1e9);
            Conv conv = new Conv(g[0], g[1]);
            Map<Context, LastMember> trackers = new HashMap<>();
            for (Device d : devices) {
                conv.join(d);
                if (!vertxFrames) {
                    d.readFramesItself();
                }
                d.hook(trackers.computeIfAbsent(d.context, c -> new LastMember()));
            }
            t0 = System.nanoTime();
            int live = clients.connectAll(devices, 256, 120_000, n -> log("connecting: %,d of %,d live", n, members));
            log("connected %,d of %,d in %.1f s", live, members, (System.nanoTime() - t0) / 1e9);
            if (live < members) {
                return false;
            }
            Traffic traffic = new Traffic(clients, devices.subList(0, Math.min(senders, devices.size())));
            SteadyRate run = SteadyRate.run(traffic, clients, stats, node, out, report, rate, warmup, duration,
                    Duration.ofSeconds(60), true);
            Stats.Window w = run.window();
            clients.barrier();
            Correctness c = Correctness.check(List.of(conv), devices);
            LatencyWorkload.addMessagingFigures(report, run, stats, traffic, c, members - 1);
            Histogram last = lastMemberHistogram(new ArrayList<>(trackers.values()), w, members - 1);
            report.latency("lastMember", "delivery to the last member", last);
            double deliveries = w.delivered.sum() / w.seconds();
            report.row("deliveries", Report.rate(deliveries), ">= 1,000,000/s (1,024 members)")
                    .row("to the last member p50/p90/p99/p99.9/max", Report.fiveNumbers(last), "");
            report.json.put("deliveriesPerSecond", deliveries);
            return LatencyWorkload.verdict(c, stats);
        }
    }

    /** Per message sent in the window and delivered to every recipient: the time to the last one. */
    private static Histogram lastMemberHistogram(List<LastMember> trackers, Stats.Window w, int recipients) {
        Histogram h = new Histogram(Stats.HIGHEST_MICROS, 3);
        int n = 0;
        for (LastMember t : trackers) {
            n = Math.max(n, t.count.length);
        }
        for (int i = 0; i < n; i++) {
            int count = 0;
            long send = 0, last = 0;
            for (LastMember t : trackers) {
                if (i < t.count.length && t.count[i] > 0) {
                    count += t.count[i];
                    send = t.sendNanos[i];
                    last = Math.max(last, t.lastNanos[i]);
                }
            }
            if (count == recipients && w.covers(send)) {
                h.recordValue(Math.min(Stats.HIGHEST_MICROS, Math.max(0, (last - send) / 1000)));
            }
        }
        return h;
    }
}
