package dev.parley.loadgen;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code parley bench pull}: N users without a socket, each on one device that loops on
 * {@code POST /v1/sync} long polls, while sender devices write to them over REST
 * ({@code POST /v1/conversations/{id}/messages}) at a fixed total rate. Measures time to delivery
 * (the send starting to the entry arriving in a poll's answer, from the time in its body) and
 * checks every confirmed message reached its poller once, in order. The socket path's figures
 * are {@code parley bench latency}'s.
 */
@Command(name = "pull", mixinStandardHelpOptions = true,
        description = "Devices without a socket: long polls woken by REST sends, time to delivery.")
final class PullWorkload extends WorkloadCommand {
    @Option(names = "--users", description = "Pulling users, one long-polling device each (default: ${DEFAULT-VALUE}).")
    int users = 200;

    @Option(names = "--rate", description = "Messages per second, all senders together (default: ${DEFAULT-VALUE}).")
    double rate = 200;

    @Option(names = "--duration", converter = DurationConverter.class, description = "Measured time (default: 20s).")
    Duration duration = Duration.ofSeconds(20);

    @Option(names = "--wait", description = "Seconds each long poll may wait (default: ${DEFAULT-VALUE}).")
    int wait = 25;

    @Override
    String name() {
        return "pull";
    }

    @Override
    JsonObject parameters() {
        return new JsonObject().put("users", users).put("rate", rate).put("durationSeconds", duration.toMillis() / 1000.0)
                .put("wait", wait);
    }

    @Override
    boolean run(Node node, Report report) throws Exception {
        try (Rest rest = new Rest(node.http()); ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            String prefix = Population.runPrefix();
            // The node allows 50 sends a second per device: enough sender devices for the rate.
            int senderDevices = Math.max(1, (int) Math.ceil(rate / 40));
            User sender = rest.createUser(0, prefix + ".s");
            List<User> senders = new ArrayList<>(List.of(sender));
            senders.addAll(rest.parallel(senderDevices - 1, 8, i -> rest.login(i + 1, sender.username())));
            List<User> pullers = rest.parallel(users, 16, i -> rest.createUser(i + 1, prefix + ".p" + i));
            List<Long> conversations = rest.parallel(users, 16, i -> rest.direct(sender, pullers.get(i))[0]);
            log("%d pulling users, %d sender devices", users, senderDevices);

            Recorder delivery = new Recorder(3);
            AtomicLong delivered = new AtomicLong();
            AtomicLong confirmed = new AtomicLong();
            AtomicLong errors = new AtomicLong();
            AtomicLong misordered = new AtomicLong();
            ConcurrentHashMap<Long, Long> held = new ConcurrentHashMap<>();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            for (int i = 0; i < users; i++) {
                User p = pullers.get(i);
                long c = conversations.get(i);
                pool.execute(() -> {
                    JsonObject positions = rest.post("/v1/sync", p.token(), new JsonObject()).getJsonObject("positions");
                    while (!stop.get()) {
                        try {
                            JsonObject page = rest.post("/v1/sync", p.token(),
                                    new JsonObject().put("positions", positions).put("wait", wait));
                            long now = System.nanoTime();
                            for (Object o : page.getJsonArray("entries")) {
                                JsonObject m = (JsonObject) o;
                                long before = held.getOrDefault(c, 0L);
                                if (m.getLong("seq") != before + 1) {
                                    misordered.incrementAndGet();
                                }
                                held.put(c, m.getLong("seq"));
                                delivered.incrementAndGet();
                                String body = m.getString("body", "");
                                if (body.startsWith("t=")) {
                                    delivery.recordValue(Math.max(0, (now - Long.parseLong(body.substring(2))) / 1000));
                                }
                            }
                            positions = page.getJsonObject("positions");
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                        }
                    }
                });
            }
            // The pollers' first polls are waiting before the first send.
            Thread.sleep(1_000);
            long started = System.nanoTime();
            long sendUntil = started + duration.toNanos();
            long n = 0;
            double gapNanos = 1e9 / rate;
            while (System.nanoTime() < sendUntil) {
                long due = started + (long) (n * gapNanos);
                long ahead = due - System.nanoTime();
                if (ahead > 0) {
                    TimeUnit.NANOSECONDS.sleep(ahead);
                }
                long k = n++;
                User from = senders.get((int) (k % senders.size()));
                long c = conversations.get((int) (k % users));
                pool.execute(() -> {
                    try {
                        rest.post("/v1/conversations/" + c + "/messages", from.token(), new JsonObject()
                                .put("clientId", "m" + k).put("body", "t=" + System.nanoTime()));
                        confirmed.incrementAndGet();
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                    }
                });
            }
            double secs = (System.nanoTime() - started) / 1e9;
            long settleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (confirmed.get() + errors.get() < n && System.nanoTime() < settleUntil) {
                Thread.sleep(20);
            }
            while (delivered.get() < confirmed.get() && System.nanoTime() < settleUntil) {
                Thread.sleep(50);
            }
            long pulled = delivered.get();
            stop.set(true);
            // The polls end by themselves within --wait; the executor's close waits for them.
            for (long c : conversations) {
                rest.post("/v1/conversations/" + c + "/messages", sender.token(),
                        new JsonObject().put("clientId", "end").put("body", "end"));
            }
            Histogram h = delivery.getIntervalHistogram();
            boolean passed = pulled == confirmed.get() && misordered.get() == 0 && confirmed.get() > 0;
            report.row("sent (REST)", Report.rate(n / secs), "")
                    .row("confirmed / delivered by pull", String.format(Locale.ROOT, "%,d / %,d", confirmed.get(),
                            pulled), "equal")
                    .row("delivery p50/p90/p99/p99.9/max", Report.fiveNumbers(h), "")
                    .row("out of order or repeated", Long.toString(misordered.get()), "0")
                    .row("errors", Long.toString(errors.get()), "0")
                    .row("correctness", passed ? "PASS" : "FAIL", "every confirmed message pulled once, in order");
            report.latency("delivery", "delivery by pull", h);
            report.json.put("window", new JsonObject().put("seconds", secs).put("sent", n)
                    .put("confirmed", confirmed.get()).put("delivered", pulled));
            return passed && errors.get() == 0;
        }
    }
}
