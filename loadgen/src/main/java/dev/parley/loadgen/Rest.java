package dev.parley.loadgen;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.IntFunction;

/**
 * The node's REST API as the generator needs it: accounts, logins, conversations and history
 * pages. Calls are blocking and made from virtual threads; {@link #parallel} runs many at once
 * with a bound on how many are in flight.
 */
final class Rest implements AutoCloseable {
    static final String PASSWORD = "bench-password-1";

    private final URI base;
    private final HttpClient http;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    Rest(URI base) {
        this.base = base;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(threads)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** An answer that is not 2xx. */
    static final class RestException extends RuntimeException {
        final int status;

        RestException(String what, int status, String body) {
            super(what + " -> HTTP " + status + " " + body);
            this.status = status;
        }
    }

    JsonObject post(String path, String token, JsonObject body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        return call("POST " + path, b, token);
    }

    JsonObject get(String path, String token) {
        return get(path, token, Duration.ofSeconds(60));
    }

    JsonObject get(String path, String token, Duration timeout) {
        return call("GET " + path, HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET(), token);
    }

    private JsonObject call(String what, HttpRequest.Builder b, String token) {
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new RestException(what, r.statusCode(), r.body());
            }
            return r.body().isEmpty() ? new JsonObject() : new JsonObject(r.body());
        } catch (IOException e) {
            throw new RestException(what + " (" + e + ")", 0, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RestException(what + " (interrupted)", 0, "");
        }
    }

    /** Registers {@code username} and logs in one device. */
    User createUser(int index, String username) {
        JsonObject acc = post("/v1/accounts", null, new JsonObject().put("username", username).put("password", PASSWORD));
        JsonObject login = post("/v1/sessions", null, new JsonObject().put("username", username)
                .put("password", PASSWORD).put("deviceName", "bench"));
        return new User(index, username, acc.getLong("userId"), login.getLong("deviceId"), login.getString("token"));
    }

    /** Logs {@code username} in once more: a further device of the same user. */
    User login(int index, String username) {
        JsonObject login = post("/v1/sessions", null, new JsonObject().put("username", username)
                .put("password", PASSWORD).put("deviceName", "bench-" + index));
        return new User(index, username, login.getLong("userId"), login.getLong("deviceId"), login.getString("token"));
    }

    /** Opens the direct conversation between two users; returns its id and current last seq. */
    long[] direct(User from, User to) {
        JsonObject c = post("/v1/conversations/direct", from.token(), new JsonObject().put("userId", to.userId()));
        return new long[] {c.getLong("conversationId"), c.getLong("lastSeq", 0L)};
    }

    /** Creates a group owned by {@code owner} with the others as members; returns its id and last seq. */
    long[] group(User owner, List<User> others, String title) {
        JsonArray ids = new JsonArray();
        others.forEach(u -> ids.add(u.userId()));
        JsonObject c = post("/v1/conversations/groups", owner.token(),
                new JsonObject().put("title", title).put("userIds", ids));
        return new long[] {c.getLong("conversationId"), c.getLong("lastSeq", 0L)};
    }

    /**
     * Runs {@code count} calls with at most {@code concurrency} in flight and returns their results
     * in index order; the first failure is thrown once all have finished.
     */
    <T> List<T> parallel(int count, int concurrency, IntFunction<T> call) {
        Semaphore permits = new Semaphore(concurrency);
        List<Future<T>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            permits.acquireUninterruptibly();
            futures.add(threads.submit(() -> {
                try {
                    return call.apply(index);
                } finally {
                    permits.release();
                }
            }));
        }
        List<T> out = new ArrayList<>(count);
        RuntimeException failure = null;
        for (Future<T> f : futures) {
            try {
                out.add(f.get());
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
                out.add(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted");
            }
        }
        if (failure != null) {
            throw failure;
        }
        return out;
    }

    @Override
    public void close() {
        threads.shutdownNow();
        http.close();
    }
}
