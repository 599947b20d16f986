package dev.parley.loadgen;

import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code parley bench history}: user A (on several devices, to send fast within the per-connection
 * frame allowance) fills a direct conversation with K messages while user B is offline. Then:
 * <ul>
 *   <li><b>history page</b>: B fetches pages of {@code --page} entries before random seqs, one at a
 *       time ({@code GET /v1/conversations/{id}/messages?before=X&limit=50}), checking each page
 *       holds exactly the entries asked for;</li>
 *   <li><b>catch-up</b>: B connects with its position at the start of the conversation, and the time
 *       from sending {@code auth} to {@code synced} is measured, checking that all K entries came
 *       once each, in order. Repeated {@code --catchups} times.</li>
 * </ul>
 */
@Command(name = "history", mixinStandardHelpOptions = true,
        description = "History pages and catching up a device that missed K messages.")
final class HistoryWorkload extends WorkloadCommand {
    @Option(names = "--missed", description = "Messages B misses, K (at most the node's catch-up limit, 10,000 by"
            + " default) (default: ${DEFAULT-VALUE}).")
    int missed = 10_000;

    @Option(names = "--page", description = "Entries per history page (default: ${DEFAULT-VALUE}).")
    int page = 50;

    @Option(names = "--fetches", description = "History pages fetched and timed (default: ${DEFAULT-VALUE}).")
    int fetches = 2000;

    @Option(names = "--catchups", description = "Catch-ups timed (default: ${DEFAULT-VALUE}).")
    int catchups = 10;

    @Option(names = "--sender-devices", description = "Devices of A sending the K messages (default: ${DEFAULT-VALUE}).")
    int senderDevices = 10;

    @Option(names = "--fill-rate", description = "Messages per second while filling (default: ${DEFAULT-VALUE}).")
    double fillRate = 3000;

    @Override
    String name() {
        return "history";
    }

    @Override
    JsonObject parameters() {
        return new JsonObject().put("missed", missed).put("page", page).put("fetches", fetches).put("catchups", catchups)
                .put("senderDevices", senderDevices).put("fillRate", fillRate);
    }

    @Override
    boolean run(Node node, Report report) throws Exception {
        Stats stats = new Stats();
        try (Rest rest = new Rest(node.http());
             GeneratorClients clients = startClients(node, stats)) {
            String prefix = Population.runPrefix();
            User a = rest.createUser(0, prefix + ".a");
            User b = rest.createUser(1, prefix + ".b");
            List<User> aDevices = new ArrayList<>();
            aDevices.add(a);
            aDevices.addAll(rest.parallel(senderDevices - 1, 8, i -> rest.login(i + 1, a.username())));
            long[] conv = rest.direct(a, b);
            Conv c = new Conv(conv[0], conv[1]);
            List<Device> senders = clients.addDevices(aDevices, options.bodySize, false, Session.NO_LISTENER);
            senders.forEach(c::join);
            if (clients.connectAll(senders, 64, 60_000, null) < senders.size()) {
                log("not every sender came online");
                return false;
            }
            // Fill: K messages while B is offline.
            long t0 = System.nanoTime();
            long start = System.nanoTime();
            stats.beginWindow("fill", start, Long.MAX_VALUE);
            Traffic fillTraffic = new Traffic(clients, senders);
            fillTraffic.runCount(fillRate, missed);
            boolean drained = Traffic.drain(clients, Duration.ofMillis(300), Duration.ofSeconds(30));
            clients.barrier();
            Correctness fill = Correctness.check(List.of(c), senders);
            long lastSeq = rest.get("/v1/conversations/" + c.id, b.token()).getLong("lastSeq");
            long k = lastSeq - c.base;
            log("filled the conversation with %,d messages in %.1f s", k, (System.nanoTime() - t0) / 1e9);
            log("fill check %s; errors %s", fill.line(), stats.errorCodes());

            // History pages.
            Histogram pages = new Histogram(Stats.HIGHEST_MICROS, 3);
            long badPages = 0;
            int warm = Math.min(500, fetches);
            for (int i = 0; i < warm + fetches; i++) {
                long before = c.base + page + 1 + ThreadLocalRandom.current().nextLong(Math.max(1, k - page + 1));
                long s = System.nanoTime();
                JsonObject p = rest.get("/v1/conversations/" + c.id + "/messages?limit=" + page + "&before=" + before,
                        b.token());
                long micros = (System.nanoTime() - s) / 1000;
                if (!pageIsRight(p.getJsonArray("messages"), before)) {
                    badPages++;
                }
                if (i >= warm) {
                    pages.recordValue(Math.min(micros, Stats.HIGHEST_MICROS));
                    if ((i - warm + 1) % 500 == 0) {
                        log("history pages: %,d fetched, so far %s", i - warm + 1, Report.fiveNumbers(pages));
                    }
                }
            }
            log("history pages of %d: %s (%d wrong)", page, Report.fiveNumbers(pages), badPages);

            // Catch-ups.
            Histogram catchUp = new Histogram(Stats.HIGHEST_MICROS, 3);
            JsonArray runs = new JsonArray();
            long badCatchUps = 0;
            for (int i = 0; i < catchups + 1; i++) {
                CatchUpResult r = catchUp(clients, b, c.id, c.base).get(60, TimeUnit.SECONDS);
                boolean ok = r.received == k && r.inOrder && r.synced;
                if (!ok) {
                    badCatchUps++;
                }
                if (i > 0) {
                    // The first one warms the node's read path up and is not counted.
                    catchUp.recordValue(Math.min(r.micros, Stats.HIGHEST_MICROS));
                    runs.add(new JsonObject().put("ms", r.micros / 1000.0).put("received", r.received)
                            .put("inOrder", r.inOrder).put("firstEntryMs", r.firstMicros / 1000.0));
                }
                log("catch-up %d: %,d entries in %.1f ms (first after %.1f ms)%s", i, r.received, r.micros / 1000.0,
                        r.firstMicros / 1000.0, ok ? "" : " WRONG");
            }
            boolean passed = fill.passed() && drained && badPages == 0 && badCatchUps == 0 && k == missed;
            report.row("messages in the conversation", String.format(Locale.ROOT, "%,d", k), "")
                    .row("history page of " + page + " p50/p90/p99/p99.9/max", Report.fiveNumbers(pages),
                            "p99 < 2 ms (50 entries)")
                    .row("catch up " + k + " missed p50/p90/p99/p99.9/max", Report.fiveNumbers(catchUp),
                            "< 200 ms (10,000 messages)")
                    .row("correctness", passed ? "PASS" : "FAIL", "pages exact; every missed entry once, in order")
                    .row("  wrong pages / wrong catch-ups", badPages + " / " + badCatchUps, "0 / 0")
                    .row("  errors while filling", stats.errors.sum() + " " + stats.errorCodes(), "0")
                    .row("  fill (A's devices)", (fill.passed() ? "PASS" : "FAIL") + String.format(Locale.ROOT,
                            ", %,d confirmed, %,d lost", fill.confirmed(), fill.lost()), "");
            report.latency("historyPage", "history page of " + page, pages).latency("catchUp", "catch-up of " + k, catchUp);
            report.json.put("errors", new JsonObject(new java.util.LinkedHashMap<>(stats.errorCodes())))
                    .put("messages", k).put("wrongPages", badPages).put("wrongCatchUps", badCatchUps)
                    .put("catchUps", runs).put("fillCorrectness", fill.toJson());
            return passed;
        }
    }

    private boolean pageIsRight(JsonArray messages, long before) {
        if (messages == null || messages.size() != page) {
            return false;
        }
        for (int i = 0; i < messages.size(); i++) {
            if (messages.getJsonObject(i).getLong("seq") != before - page + i) {
                return false;
            }
        }
        return true;
    }

    private static final class CatchUpResult {
        long micros;
        long firstMicros;
        long received;
        boolean inOrder = true;
        boolean synced;
    }

    /** Connects B with its position at {@code base}; completes at {@code synced}. */
    private static CompletableFuture<CatchUpResult> catchUp(GeneratorClients clients, User b, long conversationId, long base) {
        CompletableFuture<CatchUpResult> done = new CompletableFuture<>();
        CatchUpResult r = new CatchUpResult();
        clients.contexts.getFirst().runOnContext(v -> clients.client().connect(clients.target()).onComplete(ar -> {
            if (ar.failed()) {
                done.completeExceptionally(ar.cause());
                return;
            }
            WebSocket ws = ar.result();
            long[] next = {base + 1};
            long start = System.nanoTime();
            ws.frameHandler(f -> {
                if (!f.isText()) {
                    return;
                }
                byte[] bytes = f.binaryData().getBytes();
                switch (Wire.type(bytes)) {
                    case Wire.MESSAGE -> {
                        if (Wire.number(bytes, Wire.CONVERSATION_ID) == conversationId) {
                            if (r.received == 0) {
                                r.firstMicros = (System.nanoTime() - start) / 1000;
                            }
                            long seq = Wire.number(bytes, Wire.SEQ);
                            if (seq != next[0]) {
                                r.inOrder = false;
                            }
                            next[0] = seq + 1;
                            r.received++;
                        }
                    }
                    case Wire.SYNCED -> {
                        r.micros = (System.nanoTime() - start) / 1000;
                        r.synced = true;
                        ws.close();
                        done.complete(r);
                    }
                    case Wire.RESYNC, Wire.ERROR -> {
                        r.micros = (System.nanoTime() - start) / 1000;
                        ws.close();
                        done.complete(r);
                    }
                    default -> {
                    }
                }
            });
            ws.writeTextMessage(Wire.auth(b.token(), Map.of(conversationId, base)));
        }));
        return done;
    }
}
