package dev.parley.app.consistency;

import dev.parley.checker.DeviceLog;
import dev.parley.checker.HistoryEntry;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A device that holds no socket: it pulls with long polls ({@code POST /v1/sync}, sending back the
 * positions it holds), or reads server-sent events ({@code GET /v1/events}, resuming with the id
 * of the last event it took), and sends over REST under client ids, retrying what got no answer. What it
 * holds is what it logged, so a restart (a new poller from the same positions) tests that a pull
 * resumes with nothing missing and nothing twice; the checker holds it to the same rules as the
 * socket devices.
 */
final class PullDevice {
    private static final Duration WAIT = Duration.ofSeconds(5);

    final DeviceLog log;
    final Map<Long, Long> held = new ConcurrentHashMap<>();
    /** Client id to {conversation, body}: sends without a definite answer yet. */
    final Map<String, String[]> unanswered = new ConcurrentHashMap<>();
    private final Fleet fleet;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private volatile Thread poller;
    private volatile boolean closed;
    /** Reads {@code GET /v1/events} instead of polling {@code POST /v1/sync}. */
    private final boolean streams;
    /** The id of the last event it took: where a new stream resumes. Guarded by this. */
    private String lastEventId = "0";
    /** The stream being read, closed to stop a reader blocked on it. */
    private volatile java.io.InputStream stream;
    /** Polls answered; a restart starts a new poller from what the device holds. */
    private int epoch;

    PullDevice(Fleet fleet, String token, String name, long userId, boolean streams) {
        this.fleet = fleet;
        this.token = token;
        this.log = new DeviceLog(name, userId);
        this.streams = streams;
    }

    synchronized void start() {
        int mine = ++epoch;
        poller = Thread.ofVirtual().name(log.name()).start(() -> {
            if (streams) {
                stream(mine);
            } else {
                poll(mine);
            }
        });
    }

    /** Reads server-sent events, reconnecting with the last id it took after every break. */
    private void stream(int mine) {
        // A break (the node died, or a restart closed the stream): back off and resume.
        retryWhileCurrent(mine, () -> {
            String from;
            synchronized (this) {
                from = lastEventId;
            }
            HttpRequest req = HttpRequest.newBuilder(fleet.uri().resolve("/v1/events")).GET()
                    .header("Authorization", "Bearer " + token).header("Last-Event-ID", from).build();
            HttpResponse<java.io.InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
            stream = r.body();
            if (r.statusCode() != 200) {
                r.body().close();
                throw new IOException("events answered " + r.statusCode());
            }
            readEvents(r.body(), mine);
        });
    }

    private void readEvents(java.io.InputStream in, int mine) throws IOException {
        java.io.BufferedReader lines = new java.io.BufferedReader(
                new java.io.InputStreamReader(in, java.nio.charset.StandardCharsets.UTF_8));
        String id = null;
        String type = "message";
        StringBuilder data = new StringBuilder();
        String line;
        while ((line = lines.readLine()) != null) {
            if (!current(mine)) {
                return;
            }
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    takeEvent(type, id, new JsonObject(data.toString()), mine);
                }
                id = null;
                type = "message";
                data.setLength(0);
            } else if (line.startsWith("id: ")) {
                id = line.substring(4);
            } else if (line.startsWith("event: ")) {
                type = line.substring(7);
            } else if (line.startsWith("data: ")) {
                data.append(line.substring(6));
            }
        }
    }

    /** Logs one event and moves the resume point past it, unless a restart made this reader stale. */
    private synchronized void takeEvent(String type, String id, JsonObject data, int mine) {
        if (epoch != mine) {
            return;
        }
        switch (type) {
            case "message" -> {
                long c = data.getLong("conversationId");
                log.received(entry(data));
                held.put(c, data.getLong("seq"));
            }
            case "resync" -> {
                log.resynced(data.getLong("conversationId"), data.getLong("latestSeq"));
                held.put(data.getLong("conversationId"), data.getLong("latestSeq"));
            }
            default -> {
                // ready, receipt: nothing the checker holds the device to
            }
        }
        if (id != null && !type.equals("ready")) {
            lastEventId = id;
        }
    }

    /** The app restarts: the poll in flight is abandoned; a new poller resumes from what is held. */
    void restart() {
        Thread old;
        synchronized (this) {
            epoch++;
            old = poller;
        }
        old.interrupt();
        closeStream();
        start();
    }

    private void closeStream() {
        java.io.InputStream in = stream;
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // it is going anyway
            }
        }
    }

    void close() {
        closed = true;
        synchronized (this) {
            epoch++;
        }
        poller.interrupt();
        closeStream();
    }

    private void poll(int mine) {
        // The node is down or restarting: ask again soon, from the same positions.
        retryWhileCurrent(mine, () -> {
            JsonObject positions = new JsonObject();
            held.forEach((c, s) -> positions.put(Long.toString(c), s));
            HttpResponse<String> r = post("/v1/sync", new JsonObject().put("positions", positions)
                    .put("wait", WAIT.toSeconds()), null, WAIT.plusSeconds(10));
            if (r.statusCode() != 200) {
                throw new IOException("sync answered " + r.statusCode());
            }
            take(new JsonObject(r.body()), mine);
        });
    }

    /** One exchange with the node; a failure is retried after a pause. */
    private interface Exchange {
        void run() throws IOException, InterruptedException;
    }

    /**
     * Runs {@code exchange} again and again while this device is open and {@code mine} is the
     * current epoch, pausing 100 ms after a failure and doubling the pause up to 2 s; a success
     * resets it. Returns when interrupted.
     */
    private void retryWhileCurrent(int mine, Exchange exchange) {
        long pause = 100;
        while (!closed && current(mine)) {
            try {
                exchange.run();
                pause = 100;
            } catch (IOException | RuntimeException e) {
                if (!sleep(pause)) {
                    return;
                }
                pause = Math.min(2_000, pause * 2);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized boolean current(int mine) {
        return epoch == mine;
    }

    /** Logs a page, unless a restart made this poller stale (its answer is as good as lost). */
    private synchronized void take(JsonObject page, int mine) {
        if (epoch != mine) {
            return;
        }
        for (Object o : page.getJsonArray("entries")) {
            JsonObject m = (JsonObject) o;
            long c = m.getLong("conversationId");
            log.received(entry(m));
            held.put(c, m.getLong("seq"));
        }
        for (Object o : page.getJsonArray("resync")) {
            JsonObject r = (JsonObject) o;
            log.resynced(r.getLong("conversationId"), r.getLong("latestSeq"));
            held.put(r.getLong("conversationId"), r.getLong("latestSeq"));
        }
    }

    /** An entry as pulled: a text carries its state as the store held it then (as from a catch-up). */
    static HistoryEntry entry(JsonObject m) {
        String kind = m.getString("kind");
        HistoryEntry.MessageState state = null;
        if ("text".equals(kind)) {
            Map<String, java.util.Set<Long>> reactions = new java.util.HashMap<>();
            JsonObject r = m.getJsonObject("reactions", new JsonObject());
            for (String emoji : r.fieldNames()) {
                java.util.Set<Long> users = new java.util.HashSet<>();
                r.getJsonArray(emoji).forEach(u -> users.add(((Number) u).longValue()));
                reactions.put(emoji, users);
            }
            state = new HistoryEntry.MessageState(m.getString("body"), m.getLong("editedAt", 0L) != 0,
                    m.getLong("deletedAt", 0L) != 0, reactions);
        }
        return new HistoryEntry(m.getLong("conversationId"), m.getLong("seq"), m.getLong("senderId"),
                m.getString("clientId"), kind.toUpperCase(Locale.ROOT), m.getString("body"), m.getLong("targetSeq", 0L),
                state);
    }

    void send(long conversation, String clientId, String body) {
        log.attempted(conversation, clientId, body);
        unanswered.put(clientId, new String[]{Long.toString(conversation), body});
        submit(conversation, clientId, body);
    }

    /** One attempt; an answer that is not definite (no answer, 429, 5xx) leaves it for a retry. */
    private void submit(long conversation, String clientId, String body) {
        try {
            HttpResponse<String> r = post("/v1/conversations/" + conversation + "/messages",
                    new JsonObject().put("body", body), clientId, Duration.ofSeconds(10));
            JsonObject answer = r.body().startsWith("{") ? new JsonObject(r.body()) : new JsonObject();
            if (r.statusCode() == 201) {
                log.confirmed(clientId, answer.getLong("seq"));
                unanswered.remove(clientId);
            } else if (r.statusCode() >= 400 && r.statusCode() < 500 && r.statusCode() != 429) {
                log.refused(clientId, answer.getJsonObject("error", new JsonObject()).getString("code", "unknown"));
                unanswered.remove(clientId);
            }
        } catch (IOException | RuntimeException e) {
            // No answer: retried under the same client id.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void awaitAnswers(long deadline) throws InterruptedException {
        while (!unanswered.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(log.name() + ": " + unanswered.size() + " sends still unanswered");
            }
            unanswered.forEach((clientId, cb) -> submit(Long.parseLong(cb[0]), clientId, cb[1]));
            if (!unanswered.isEmpty()) {
                Thread.sleep(200);
            }
        }
    }

    void awaitCaughtUp(Map<Long, Long> last, Iterable<Long> conversations, long deadline) throws InterruptedException {
        CaughtUp.await(log.name(), "pulled", held, last, conversations, deadline);
    }

    private HttpResponse<String> post(String path, JsonObject body, String idempotencyKey, Duration timeout)
            throws IOException, InterruptedException {
        URI uri = fleet.uri().resolve(path);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        if (idempotencyKey != null) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static boolean sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }
}
