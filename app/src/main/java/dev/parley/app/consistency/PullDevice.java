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
 * positions it holds) and sends over REST under client ids, retrying what got no answer. What it
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
    /** Polls answered; a restart starts a new poller from what the device holds. */
    private int epoch;

    PullDevice(Fleet fleet, String token, String name, long userId) {
        this.fleet = fleet;
        this.token = token;
        this.log = new DeviceLog(name, userId);
    }

    synchronized void start() {
        int mine = ++epoch;
        poller = Thread.ofVirtual().name(log.name()).start(() -> poll(mine));
    }

    /** The app restarts: the poll in flight is abandoned; a new poller resumes from what is held. */
    void restart() {
        Thread old;
        synchronized (this) {
            epoch++;
            old = poller;
        }
        old.interrupt();
        start();
    }

    void close() {
        closed = true;
        synchronized (this) {
            epoch++;
        }
        poller.interrupt();
    }

    private void poll(int mine) {
        long pause = 100;
        while (!closed && current(mine)) {
            try {
                JsonObject positions = new JsonObject();
                held.forEach((c, s) -> positions.put(Long.toString(c), s));
                HttpResponse<String> r = post("/v1/sync", new JsonObject().put("positions", positions)
                        .put("wait", WAIT.toSeconds()), null, WAIT.plusSeconds(10));
                if (r.statusCode() != 200) {
                    throw new IOException("sync answered " + r.statusCode());
                }
                take(new JsonObject(r.body()), mine);
                pause = 100;
            } catch (IOException | RuntimeException e) {
                // The node is down or restarting: ask again soon, from the same positions.
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
            log.received(new HistoryEntry(c, m.getLong("seq"), m.getLong("senderId"), m.getString("clientId"),
                    m.getString("kind").toUpperCase(Locale.ROOT), m.getString("body")));
            held.put(c, m.getLong("seq"));
        }
        for (Object o : page.getJsonArray("resync")) {
            JsonObject r = (JsonObject) o;
            log.resynced(r.getLong("conversationId"), r.getLong("latestSeq"));
            held.put(r.getLong("conversationId"), r.getLong("latestSeq"));
        }
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
        for (long conversation : conversations) {
            long target = last.getOrDefault(conversation, 0L);
            while (held.getOrDefault(conversation, 0L) < target) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(log.name() + " pulled conversation " + conversation + " up to "
                            + held.getOrDefault(conversation, 0L) + ", not " + target);
                }
                Thread.sleep(20);
            }
        }
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
