package dev.parley.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@code parley bench connections}: opens C authenticated, idle, heartbeating connections and
 * reports the connect rate and what each connection costs the node in memory (resident set and
 * heap, read from the node's process before and after, each after a full GC).
 *
 * <p>The connections are held by child processes ({@link ConnectionWorker}), each with at most
 * {@code --per-process} of them, since a process may hold only so many open files; each child
 * connects from its own loopback source addresses ({@code 127.0.0.2}, {@code 127.0.0.3}, ...),
 * at most {@code --per-address} connections per address, so the ephemeral ports of one address
 * never run out. The connections are held for {@code --hold}, longer than the node's heartbeat
 * interval, so the node pings each of them and drops any that does not answer.
 */
@Command(name = "connections", mixinStandardHelpOptions = true,
        description = "Many idle authenticated connections: connect rate and node memory per connection.")
final class ConnectionsWorkload extends WorkloadCommand {
    @Option(names = "--connections", description = "Connections to open, C (default: ${DEFAULT-VALUE}; one node tops out"
            + " just under 20,000, its open-file limit).")
    int connections = 19_500;

    @Option(names = "--per-process", description = "Most connections one generator process holds (default: ${DEFAULT-VALUE}).")
    int perProcess = 10_000;

    @Option(names = "--per-address", description = "Most connections from one source address (default: ${DEFAULT-VALUE}).")
    int perAddress = 10_000;

    @Option(names = "--hold", converter = DurationConverter.class,
            description = "How long to hold them, idle (default: 30s, over one heartbeat interval).")
    Duration hold = Duration.ofSeconds(30);

    @Option(names = "--connect-concurrency", description = "Handshakes in flight per process (default: ${DEFAULT-VALUE}).")
    int connectConcurrency = 256;

    @Option(names = "--worker-jvm", description = "JVM options of the generator processes (default: ${DEFAULT-VALUE}).")
    String workerJvm = "-Xms256m -Xmx1g -XX:+UseSerialGC";

    @Override
    String name() {
        return "connections";
    }

    @Override
    JsonObject parameters() {
        return new JsonObject().put("connections", connections).put("perProcess", perProcess).put("perAddress", perAddress)
                .put("holdSeconds", hold.toMillis() / 1000.0).put("workerJvm", workerJvm);
    }

    private record Worker(Process process, Writer stdin, int size, AtomicLongArray all, AtomicLongArray hold,
                          AtomicLongArray done) {
    }

    @Override
    boolean run(Node node, Report report) throws Exception {
        List<User> users;
        try (Rest rest = new Rest(node.http())) {
            users = Population.users(rest, connections, options.provisionConcurrency, out);
        }
        Thread.sleep(1000);
        long heap0 = node.heapUsed(true), rss0 = node.rss(), fds0 = ProcStats.openFiles(node.pid());
        log("node before: heap %s, rss %s, open files %d", Report.bytes(heap0), Report.bytes(rss0), fds0);

        int processes = (connections + perProcess - 1) / perProcess;
        List<Worker> workers = new ArrayList<>();
        int nextAddress = 2;
        long spawnAt = System.currentTimeMillis();
        for (int w = 0; w < processes; w++) {
            int from = w * connections / processes, to = (w + 1) * connections / processes;
            Path tokens = Files.createTempFile("parley-loadgen-tokens-", ".txt");
            List<String> lines = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                lines.add(users.get(i).token());
            }
            Files.write(tokens, lines);
            tokens.toFile().deleteOnExit();
            int addresses = Math.max(1, (to - from + perAddress - 1) / perAddress);
            List<String> addrs = new ArrayList<>();
            for (int a = 0; a < addresses; a++) {
                addrs.add("127.0.0." + nextAddress++);
            }
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(List.of(workerJvm.trim().split("\\s+")));
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.add("-Dparley.generator.transport=" + options.transport);
            if (Runtime.version().feature() >= 24) {
                cmd.add("--sun-misc-unsafe-memory-access=allow");
            }
            long maxSeconds = hold.toSeconds() + 300;
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ConnectionWorker.class.getName(), node.host(),
                    Integer.toString(node.port()), tokens.toString(), "2", Integer.toString(connectConcurrency),
                    Long.toString(maxSeconds), String.join(",", addrs)));
            Process p = new ProcessBuilder(cmd).redirectError(report.dir().resolve("worker-" + w + ".log").toFile()).start();
            Worker worker = new Worker(p, new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8), to - from,
                    new AtomicLongArray(new long[] {-1, 0, 0}),
                    new AtomicLongArray(new long[] {-1, -1}), new AtomicLongArray(new long[] {-1, -1}));
            workers.add(worker);
            int index = w;
            Thread.ofPlatform().daemon(true).name("worker-" + w).start(() -> readWorker(worker, index));
            log("generator process %d: pid %d, %,d connections from %s", w, p.pid(), to - from, addrs);
        }

        // Wait for every worker to finish connecting.
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline && workers.stream().anyMatch(w -> w.all().get(0) < 0 && w.process().isAlive())) {
            Thread.sleep(1000);
            log("connecting: %,d live; node rss %s, open files %d", workers.stream().mapToLong(w -> w.all().get(0) >= 0
                    ? w.all().get(0) : w.hold().get(0) < 0 ? 0 : w.hold().get(0)).sum(), Report.bytes(node.rss()),
                    ProcStats.openFiles(node.pid()));
        }
        long connected = workers.stream().mapToLong(w -> Math.max(0, w.all().get(0))).sum();
        long firstStart = workers.stream().mapToLong(w -> w.all().get(1)).filter(v -> v > 0).min().orElse(spawnAt);
        long lastEnd = workers.stream().mapToLong(w -> w.all().get(2)).max().orElse(spawnAt);
        double connectSecs = Math.max(0.001, (lastEnd - firstStart) / 1000.0);
        log("%,d of %,d connected in %.1f s (%,.0f/s)", connected, connections, connectSecs, connected / connectSecs);

        Thread.sleep(2000);
        long heap1 = node.heapUsed(true), rss1 = node.rss(), fds1 = ProcStats.openFiles(node.pid());
        log("node with %,d connections: heap %s, rss %s, open files %d", connected, Report.bytes(heap1), Report.bytes(rss1),
                fds1);

        if (node.pid() > 0) {
            // What the connections are made of: the node's heap by class, for finding what to slim.
            try {
                String histogram = node.jcmd("GC.class_histogram");
                String[] lines = histogram.split("\n");
                Files.writeString(report.dir().resolve("node-class-histogram.txt"),
                        String.join("\n", java.util.Arrays.copyOf(lines, Math.min(lines.length, 60))) + "\n");
                log("node heap by class (top 60): %s", report.dir().resolve("node-class-histogram.txt"));
            } catch (java.io.IOException e) {
                log("could not read the node's class histogram: %s", e.getMessage());
            }
        }

        long holdEnd = System.nanoTime() + hold.toNanos();
        while (System.nanoTime() < holdEnd) {
            Thread.sleep(Math.min(5000, Math.max(1, (holdEnd - System.nanoTime()) / 1_000_000)));
            log("holding: %,d live, %d closed; node rss %s",
                    workers.stream().mapToLong(w -> Math.max(0, w.hold().get(0))).sum(),
                    workers.stream().mapToLong(w -> Math.max(0, w.hold().get(1))).sum(), Report.bytes(node.rss()));
        }
        long heap2 = node.heapUsed(true), rss2 = node.rss();
        long liveAfterHold = workers.stream().mapToLong(w -> Math.max(0, w.hold().get(0))).sum();
        long closedDuringHold = workers.stream().mapToLong(w -> Math.max(0, w.hold().get(1))).sum();

        for (Worker w : workers) {
            try {
                w.stdin().write("stop\n");
                w.stdin().flush();
            } catch (java.io.IOException e) {
                // already gone
            }
        }
        for (Worker w : workers) {
            if (!w.process().waitFor(60, TimeUnit.SECONDS)) {
                w.process().destroyForcibly();
            }
        }

        long n = Math.max(1, connected);
        double rssPer = perConnection(rss0, rss1, n), heapPer = perConnection(heap0, heap1, n);
        double rssPerAfterHold = perConnection(rss0, rss2, n), heapPerAfterHold = perConnection(heap0, heap2, n);
        boolean passed = connected == connections && liveAfterHold == connections && closedDuringHold == 0;
        report.row("connections", String.format(Locale.ROOT, "%,d of %,d (%d processes)", connected, connections, processes),
                        "one node holds just under 20,000")
                .row("connect rate", String.format(Locale.ROOT, "%,.0f/s (%.1f s, handshake + auth + ready)",
                        connected / connectSecs, connectSecs), "")
                .row("node rss per connection", String.format(Locale.ROOT, "%,.0f B (%s -> %s)", rssPer, Report.bytes(rss0),
                        Report.bytes(rss1)), "<= 4 KiB")
                .row("node heap per connection", String.format(Locale.ROOT, "%,.0f B (%s -> %s, after full GC)", heapPer,
                        Report.bytes(heap0), Report.bytes(heap1)), "")
                .row("  after holding " + hold.toSeconds() + " s", String.format(Locale.ROOT, "rss %,.0f B, heap %,.0f B",
                        rssPerAfterHold, heapPerAfterHold), "")
                .row("node open files", fds0 + " -> " + fds1, "")
                .row("live after hold / closed by node", liveAfterHold + " / " + closedDuringHold, "all / 0")
                .row("correctness", passed ? "PASS" : "FAIL", "every connection up and kept through heartbeats");
        JsonArray ws = new JsonArray();
        for (Worker w : workers) {
            ws.add(new JsonObject().put("pid", w.process().pid()).put("connections", w.size())
                    .put("live", w.all().get(0)).put("connectMs", w.all().get(2) - w.all().get(1))
                    .put("liveAfterHold", w.hold().get(0)).put("closed", w.hold().get(1)));
        }
        report.json.put("connected", connected).put("connectSeconds", connectSecs)
                .put("connectPerSecond", connected / connectSecs)
                .put("node", report.json.getJsonObject("node").copy().put("before", mem(heap0, rss0, fds0))
                        .put("connected", mem(heap1, rss1, fds1)).put("afterHold", mem(heap2, rss2, -1)))
                .put("perConnection", new JsonObject().put("rssBytes", rssPer).put("heapBytes", heapPer)
                        .put("rssBytesAfterHold", rssPerAfterHold).put("heapBytesAfterHold", heapPerAfterHold))
                .put("liveAfterHold", liveAfterHold).put("closedDuringHold", closedDuringHold).put("workers", ws);
        return passed;
    }

    /** Growth per connection, or -1 when either reading is missing (no pid, no jcmd, no /metrics). */
    private static double perConnection(long before, long after, long connections) {
        return before < 0 || after < 0 ? -1 : (after - before) / (double) connections;
    }

    private static JsonObject mem(long heap, long rss, long fds) {
        return new JsonObject().put("heapBytes", heap).put("rssBytes", rss).put("openFiles", fds);
    }

    private void readWorker(Worker w, int index) {
        try (BufferedReader r = new BufferedReader(
                new InputStreamReader(w.process().getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] f = line.trim().split(" ");
                switch (f[0]) {
                    case "LIVE" -> w.hold().set(0, Long.parseLong(f[1]));
                    case "ALL" -> {
                        w.all().set(1, Long.parseLong(f[2]));
                        w.all().set(2, Long.parseLong(f[3]));
                        w.all().set(0, Long.parseLong(f[1]));
                    }
                    case "HOLD" -> {
                        w.hold().set(0, Long.parseLong(f[1]));
                        w.hold().set(1, Long.parseLong(f[2]));
                    }
                    case "DONE" -> {
                        w.done().set(0, Long.parseLong(f[1]));
                        w.done().set(1, Long.parseLong(f[2]));
                    }
                    default -> out.println("worker " + index + ": " + line);
                }
            }
        } catch (Exception e) {
            out.println("worker " + index + " output: " + e);
        }
    }
}
