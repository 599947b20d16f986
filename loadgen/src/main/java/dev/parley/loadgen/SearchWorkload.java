package dev.parley.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@code parley bench search}: fills a node with {@code --messages} text messages through the real
 * protocol (users on a ring in direct conversations, as {@code latency} has them, sending chat-like
 * text, {@link ChatText}, at {@code --fill-rate} in chunks of {@code --fill-chunk} each answered before
 * the next; each user writes most into a few of its
 * conversations), then times {@code GET /v1/search} as several users, one query at a time, kind after
 * kind (each within {@code --kind-budget}), by
 * kind of query: a common word, a mid-frequency word, a rare word, a short prefix, two words, and
 * a word within one conversation.
 *
 * <p>The check: each searcher's own probe messages (a word no other message holds, sent to three
 * of its conversations after the fill) are found exactly by every searcher who is a member of
 * their conversations, and by no one else; every hit of every query is in one of the searcher's
 * conversations (the one asked for, when scoped), carries a highlight, and hits come newest first.
 *
 * <p>With {@code --data DIR} the filled node is kept, with a note of what was sent
 * ({@code bench-search.json}), and a later run with the same {@code --data} and shape only
 * searches.
 */
@Command(name = "search", mixinStandardHelpOptions = true,
        description = "Search latency over a node filled with many messages (filled once, reusable with --data).")
final class SearchWorkload extends WorkloadCommand {
    static final String MANIFEST = "bench-search.json";
    private static final int PROBES_PER_SEARCHER = 3;

    @Option(names = "--messages", description = "Messages to fill the node with (default: ${DEFAULT-VALUE}).")
    long messages = 1_000_000;

    @Option(names = "--users", description = "Users on the ring (default: ${DEFAULT-VALUE}).")
    int users = 2000;

    @Option(names = "--neighbours", description = "Neighbours on each side a user talks to (default: ${DEFAULT-VALUE}).")
    int neighbours = 4;

    @Option(names = "--fill-rate", description = "Messages per second while filling (default: ${DEFAULT-VALUE}).")
    double fillRate = 5000;

    @Option(names = "--fill-chunk", description = "Messages sent at --fill-rate before waiting for all to be"
            + " answered, while filling (default: ${DEFAULT-VALUE}).")
    long fillChunk = 10_000;

    @Option(names = "--searchers", description = "Users who search (default: ${DEFAULT-VALUE}).")
    int searchers = 10;

    @Option(names = "--queries", description = "Timed queries of each kind, at most (default: ${DEFAULT-VALUE}).")
    int queries = 300;

    @Option(names = "--warmup-queries", description = "Untimed queries first, of rare words and within one"
            + " conversation (default: ${DEFAULT-VALUE}).")
    int warmupQueries = 20;

    @Option(names = "--kind-budget", converter = DurationConverter.class, description = "Time for the queries of"
            + " one kind: fewer than --queries are asked when they take longer (default: 2m).")
    Duration kindBudget = Duration.ofMinutes(2);

    @Option(names = "--query-timeout", converter = DurationConverter.class, description = "How long one query may"
            + " take before it counts as refused (default: 10m).")
    Duration queryTimeout = Duration.ofMinutes(10);

    @Option(names = "--limit", description = "Hits per page asked for (default: ${DEFAULT-VALUE}).")
    int limit = 20;

    private boolean reused;

    @Override
    String name() {
        return "search";
    }

    @Override
    JsonObject parameters() {
        return new JsonObject().put("messages", messages).put("users", users).put("neighbours", neighbours)
                .put("fillRate", fillRate).put("fillChunk", fillChunk).put("searchers", searchers).put("queries", queries)
                .put("warmupQueries", warmupQueries).put("limit", limit)
                .put("kindBudgetSeconds", kindBudget.toSeconds()).put("queryTimeoutSeconds", queryTimeout.toSeconds());
    }

    /** A user who searches: its account, token, and the conversations it is a member of. */
    private record Searcher(String username, long userId, String token, Set<Long> conversations, String probeWord) {
    }

    /** A probe message: its word, where it went. */
    private record Probe(String word, long conversationId, long seq) {
    }

    private enum Kind {
        COMMON("common word"), WORD("word"), RARE("rare word"), PREFIX("prefix"), TWO_WORDS("two words"),
        IN_CONVERSATION("word, one conversation"), PROBE("probe (check)");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    private record Query(Kind kind, Searcher searcher, String q, Long conversationId, Set<String> expected) {
    }

    @Override
    boolean run(Node node, Report report) throws Exception {
        Path manifestFile = options.dataDir == null ? null : options.dataDir.resolve(MANIFEST);
        JsonObject manifest;
        try (Rest rest = new Rest(node.http())) {
            if (manifestFile != null && Files.exists(manifestFile)) {
                manifest = new JsonObject(Files.readString(manifestFile));
                JsonObject want = shape();
                if (!want.equals(manifest.getJsonObject("shape"))) {
                    log("the data directory was filled with %s, not %s; use another --data", manifest.getJsonObject("shape")
                            .encode(), want.encode());
                    return false;
                }
                reused = true;
                log("reusing the node filled on %s: %,d messages (fill not repeated)", manifest.getString("filledAt"),
                        manifest.getLong("stored"));
            } else {
                manifest = fill(node, rest, report);
                if (manifest == null) {
                    return false;
                }
                if (manifestFile != null) {
                    Files.writeString(manifestFile, manifest.encodePrettily() + "\n");
                }
            }
            return search(node, rest, manifest, report);
        }
    }

    private JsonObject shape() {
        return new JsonObject().put("messages", messages).put("users", users).put("neighbours", neighbours)
                .put("searchers", searchers);
    }

    /** Fills the node; returns the manifest, or null when the fill failed its check. */
    private JsonObject fill(Node node, Rest rest, Report report) throws Exception {
        Stats stats = new Stats();
        JsonObject manifest = new JsonObject().put("shape", shape());
        try (GeneratorClients clients = startClients(node, stats)) {
            Session s = Session.open(this, node, rest, clients, users, neighbours, false);
            if (s == null) {
                return null;
            }
            long seed = 1;
            for (Device d : s.population.devices) {
                SplittableRandom text = new SplittableRandom(seed++);
                d.bodies(now -> ChatText.message(text));
                d.chooser(n -> favourite(text, n));
            }
            String[] phase = {"fill"};
            ProcStats.CpuMeter nodeCpu = new ProcStats.CpuMeter(node.pid()).start();
            long t0 = System.nanoTime();
            boolean drained;
            try (Progress progress = new Progress(stats, out, ProcStats.self(), node::pid, () -> phase[0])) {
                // In chunks, each answered before the next: open-loop sending at more than a
                // starved node takes would grow its write queue until it refuses sends.
                drained = true;
                for (long left = messages; left > 0 && drained; left -= Math.min(fillChunk, left)) {
                    s.traffic.runCount(fillRate, Math.min(fillChunk, left));
                    drained = Traffic.drain(clients, Duration.ofMillis(100), Duration.ofSeconds(120));
                }
                phase[0] = "drain";
                drained = drained && Traffic.drain(clients, Duration.ofMillis(500), Duration.ofSeconds(60));
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            nodeCpu.stop();
            clients.barrier();
            Correctness c = Correctness.check(s.population.conversations, s.population.devices);
            log("filled %,d messages in %.1f s (%,.0f/s), node %.2f cores; check %s; errors %s", c.confirmed(), secs,
                    c.confirmed() / secs, nodeCpu.cores(), c.passed() ? "PASS" : "FAIL", stats.errorCodes());
            if (!c.passed() || !drained || c.confirmed() != messages || stats.errors.sum() != 0) {
                log("%s; drained %s", c.line(), drained);
                report.row("fill", "FAIL", "every message confirmed and delivered once")
                        .row("  confirmed / errors", c.confirmed() + " / " + stats.errors.sum() + " "
                                + stats.errorCodes(), messages + " / 0");
                report.json.put("fillCorrectness", c.toJson());
                return null;
            }
            manifest.put("stored", c.confirmed()).put("fillSeconds", secs).put("fillRate", c.confirmed() / secs)
                    .put("fillNodeCores", nodeCpu.cores()).put("filledAt", java.time.OffsetDateTime.now().toString());

            // The searchers, spread over the ring, and their probes.
            JsonArray searcherJson = new JsonArray();
            for (int k = 0; k < Math.min(searchers, users); k++) {
                int index = (int) ((long) k * users / Math.min(searchers, users));
                Device d = s.population.devices.get(index);
                List<Long> convs = new ArrayList<>();
                for (Conv.Member m : d.members()) {
                    convs.add(m.conv.id);
                }
                String word = probeWord(k);
                JsonArray probes = new JsonArray();
                for (int p = 0; p < Math.min(PROBES_PER_SEARCHER, convs.size()); p++) {
                    long conv = convs.get(p);
                    JsonObject sent = rest.post("/v1/conversations/" + conv + "/messages", d.user.token(),
                            new JsonObject().put("clientId", "probe-" + k + "-" + p)
                                    .put("body", "probe " + word + " see you tomorrow"));
                    probes.add(new JsonObject().put("conversationId", conv).put("seq", sent.getLong("seq")));
                }
                searcherJson.add(new JsonObject().put("username", d.user.username()).put("userId", d.user.userId())
                        .put("conversations", new JsonArray(new ArrayList<>(convs))).put("probeWord", word)
                        .put("probes", probes));
            }
            manifest.put("searchers", searcherJson);
        }
        return manifest;
    }

    /** Conversation {@code k} of {@code n} with weight 1/(k+1): each user talks most with a few. */
    private static int favourite(SplittableRandom r, int n) {
        double total = 0;
        for (int k = 0; k < n; k++) {
            total += 1.0 / (k + 1);
        }
        double x = r.nextDouble() * total;
        for (int k = 0; k < n; k++) {
            x -= 1.0 / (k + 1);
            if (x <= 0) {
                return k;
            }
        }
        return n - 1;
    }

    /** A word no chat text holds and no other probe word starts: "zqprobe" and two letters. */
    static String probeWord(int k) {
        return "zqprobe" + (char) ('a' + (k / 26) % 26) + (char) ('a' + k % 26);
    }

    private boolean search(Node node, Rest rest, JsonObject manifest, Report report) {
        List<Searcher> who = new ArrayList<>();
        List<Probe> probes = new ArrayList<>();
        JsonArray list = manifest.getJsonArray("searchers");
        for (int i = 0; i < list.size(); i++) {
            JsonObject o = list.getJsonObject(i);
            Set<Long> convs = new HashSet<>();
            o.getJsonArray("conversations").forEach(c -> convs.add(((Number) c).longValue()));
            User u = rest.login(i, o.getString("username"));
            who.add(new Searcher(o.getString("username"), o.getLong("userId"), u.token(), convs, o.getString("probeWord")));
            JsonArray ps = o.getJsonArray("probes");
            for (int p = 0; p < ps.size(); p++) {
                probes.add(new Probe(o.getString("probeWord"), ps.getJsonObject(p).getLong("conversationId"),
                        ps.getJsonObject(p).getLong("seq")));
            }
        }
        SplittableRandom random = new SplittableRandom(42);
        int vocab = ChatText.WORDS.size();
        Map<Kind, Histogram> latency = new LinkedHashMap<>();
        Map<Kind, long[]> hits = new LinkedHashMap<>(); // hits, empty answers, full pages
        for (Kind k : Kind.values()) {
            latency.put(k, new Histogram(Stats.HIGHEST_MICROS, 3));
            hits.put(k, new long[3]);
        }
        long[] wrongAndRefused = new long[2];
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < warmupQueries; i++) {
            Kind k = i % 2 == 0 ? Kind.RARE : Kind.IN_CONVERSATION;
            ask(rest, query(k, who.get(random.nextInt(who.size())), who, probes, random, vocab), wrongAndRefused, samples);
        }
        ProcStats.CpuMeter nodeCpu = new ProcStats.CpuMeter(node.pid()).start();
        long t0 = System.nanoTime();
        long asked = 0;
        // Kind after kind, the cheap ones first, each within its time budget: on a large node a
        // query for a very common word may take far longer than the others.
        for (Kind k : List.of(Kind.PROBE, Kind.RARE, Kind.IN_CONVERSATION, Kind.PREFIX, Kind.WORD, Kind.TWO_WORDS,
                Kind.COMMON)) {
            long kindEnd = System.nanoTime() + kindBudget.toNanos();
            Histogram h = latency.get(k);
            for (int i = 0; i < queries && System.nanoTime() < kindEnd; i++) {
                Query q = query(k, who.get(random.nextInt(who.size())), who, probes, random, vocab);
                long s = System.nanoTime();
                JsonArray found = ask(rest, q, wrongAndRefused, samples);
                long micros = (System.nanoTime() - s) / 1000;
                asked++;
                if (found == null) {
                    continue;
                }
                h.recordValue(Math.min(micros, Stats.HIGHEST_MICROS));
                long[] c = hits.get(k);
                c[0] += found.size();
                c[1] += found.isEmpty() ? 1 : 0;
                c[2] += found.size() == limit ? 1 : 0;
            }
            log("%s: %,d queries, %s, %.1f hits a page", k.label, h.getTotalCount(), Report.fiveNumbers(h),
                    h.getTotalCount() == 0 ? 0.0 : (double) hits.get(k)[0] / h.getTotalCount());
        }
        long wrong = wrongAndRefused[0];
        long errors = wrongAndRefused[1];
        double secs = (System.nanoTime() - t0) / 1e9;
        nodeCpu.stop();
        samples.forEach(this::log);

        boolean passed = wrong == 0 && errors == 0;
        report.row("messages stored", String.format(Locale.ROOT, "%,d (+%,d probes) over %,d conversations of %,d users",
                        manifest.getLong("stored"), probes.size(), (long) users * neighbours, users), "")
                .row("fill (through the protocol)", String.format(Locale.ROOT,
                        "%.0f s, %,.0f/s, node %.2f cores (%.0f µs of node CPU per message)",
                        manifest.getDouble("fillSeconds"), manifest.getDouble("fillRate"),
                        manifest.getDouble("fillNodeCores"), manifest.getDouble("fillNodeCores")
                                * manifest.getDouble("fillSeconds") / manifest.getLong("stored") * 1e6), reused ? "filled by an earlier run, "
                        + manifest.getString("filledAt") : "");
        long onDisk = dataBytes();
        if (onDisk >= 0) {
            report.row("data directory on disk", Report.bytes(onDisk), "");
        }
        JsonObject kinds = new JsonObject();
        for (Kind k : Kind.values()) {
            Histogram h = latency.get(k);
            long[] c = hits.get(k);
            long n = h.getTotalCount();
            report.row("search: " + k.label + " p50/p90/p99/p99.9/max", Report.fiveNumbers(h), "")
                    .row("  hits per page (of " + limit + "), empty, full", String.format(Locale.ROOT, "%.1f, %d, %d of %d",
                            n == 0 ? 0.0 : (double) c[0] / n, c[1], c[2], n), "");
            report.latency(k.name().toLowerCase(Locale.ROOT), k.label, h);
            kinds.put(k.name().toLowerCase(Locale.ROOT), Report.percentiles(h).put("hits", c[0]).put("empty", c[1])
                    .put("full", c[2]));
        }
        report.row("searches", String.format(Locale.ROOT, "%,d in %.1f s by %d users, one at a time; node %s",
                        asked, secs, who.size(), LatencyWorkload.cores(nodeCpu.cores())), "")
                .row("correctness", passed ? "PASS" : "FAIL", "probes found exactly by their members; hits in the"
                        + " searcher's conversations, highlighted, newest first")
                .row("  wrong answers / refused", wrong + " / " + errors, "0 / 0");
        report.json.put("fill", manifest.copy().put("searchers", (Object) null)).put("search", kinds)
                .put("wrongAnswers", wrong).put("refused", errors).put("problems", new JsonArray(samples))
                .put("searchSeconds", secs).put("searchNodeCores", nodeCpu.cores());
        return passed;
    }

    /** Asks one query and checks the answer; returns its hits, or null when it was refused. */
    private JsonArray ask(Rest rest, Query q, long[] wrongAndRefused, List<String> samples) {
        String path = "/v1/search?limit=" + limit + "&q=" + URLEncoder.encode(q.q(), StandardCharsets.UTF_8)
                + (q.conversationId() == null ? "" : "&conversationId=" + q.conversationId());
        JsonObject answer;
        try {
            answer = rest.get(path, q.searcher().token(), queryTimeout);
        } catch (Rest.RestException e) {
            wrongAndRefused[1]++;
            if (samples.size() < 10) {
                samples.add(q.kind().label + " '" + q.q() + "': " + e.getMessage());
            }
            return null;
        }
        JsonArray found = answer.getJsonArray("hits");
        String problem = check(q, found);
        if (problem != null) {
            wrongAndRefused[0]++;
            if (samples.size() < 10) {
                samples.add(q.kind().label + " '" + q.q() + "' by " + q.searcher().username() + ": " + problem);
            }
        }
        return found;
    }

    private Query query(Kind kind, Searcher s, List<Searcher> who, List<Probe> probes, SplittableRandom r, int vocab) {
        return switch (kind) {
            case COMMON -> new Query(kind, s, ChatText.ranked(r, 0, 10), null, null);
            case WORD -> new Query(kind, s, ChatText.ranked(r, 20, 120), null, null);
            case RARE -> new Query(kind, s, ChatText.ranked(r, vocab - 60, vocab), null, null);
            case PREFIX -> {
                String w;
                do {
                    w = ChatText.ranked(r, 20, 200);
                } while (w.length() < 6 || !w.chars().allMatch(c -> c < 128));
                yield new Query(kind, s, w.substring(0, 3), null, null);
            }
            case TWO_WORDS -> new Query(kind, s, ChatText.ranked(r, 10, 100) + " " + ChatText.ranked(r, 10, 100), null, null);
            case IN_CONVERSATION -> {
                List<Long> convs = new ArrayList<>(s.conversations());
                Collections.sort(convs);
                yield new Query(kind, s, ChatText.ranked(r, 10, 100), convs.get(r.nextInt(convs.size())), null);
            }
            case PROBE -> {
                Searcher owner = who.get(r.nextInt(who.size()));
                Set<String> expected = new HashSet<>();
                for (Probe p : probes) {
                    if (p.word().equals(owner.probeWord()) && s.conversations().contains(p.conversationId())) {
                        expected.add(p.conversationId() + ":" + p.seq());
                    }
                }
                yield new Query(kind, s, owner.probeWord(), null, expected);
            }
        };
    }

    /** What is wrong with an answer, or null. */
    private String check(Query q, JsonArray hits) {
        long lastTs = Long.MAX_VALUE;
        Set<String> found = new HashSet<>();
        for (int i = 0; i < hits.size(); i++) {
            JsonObject h = hits.getJsonObject(i);
            long conv = h.getLong("conversationId");
            if (!q.searcher().conversations().contains(conv)) {
                return "a hit in conversation " + conv + ", not one of the searcher's";
            }
            if (q.conversationId() != null && conv != q.conversationId()) {
                return "a hit in conversation " + conv + " outside the one asked for";
            }
            JsonArray marks = h.getJsonArray("highlights");
            if (marks == null || marks.isEmpty() || h.getString("snippet", "").isEmpty()) {
                return "a hit without a highlighted snippet";
            }
            long ts = h.getLong("ts");
            if (ts > lastTs) {
                return "hits not newest first";
            }
            lastTs = ts;
            found.add(conv + ":" + h.getLong("seq"));
        }
        if (q.expected() != null && !q.expected().equals(found)) {
            return "found " + found + ", expected " + q.expected();
        }
        return null;
    }

    /** Bytes under the node's data directory, or -1 when the tool does not know it. */
    private long dataBytes() {
        if (options.dataDir == null) {
            return -1;
        }
        try (Stream<Path> files = Files.walk(options.dataDir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException e) {
            return -1;
        }
    }
}
