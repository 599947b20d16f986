package dev.parley.server.pull;

import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/events} against a real node: server-sent events from now on, or from a
 * {@code Last-Event-ID}, with ids that make a reconnect continue after the last event received,
 * nothing missing and nothing twice; live entries and receipts; errors before the stream starts.
 */
class EventsTest {
    @TempDir
    Path dataDir;
    TestNode node;
    final List<Events> open = new ArrayList<>();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @AfterEach
    void stop() {
        open.forEach(Events::close);
        http.close();
        if (node != null) {
            node.close();
        }
    }

    /** One event as the stream sent it. */
    record Event(String id, String type, JsonObject data) {
    }

    /** A stream being read line by line on the client's threads. */
    static final class Events implements AutoCloseable {
        final BlockingQueue<Event> queue = new LinkedBlockingQueue<>();
        final HttpResponse<Stream<String>> response;
        String lastId;

        Events(HttpResponse<Stream<String>> response) {
            this.response = response;
            Thread.ofVirtual().start(() -> {
                String id = null;
                String type = "message";
                StringBuilder data = new StringBuilder();
                try {
                    for (String line : (Iterable<String>) response.body()::iterator) {
                        if (line.isEmpty()) {
                            if (!data.isEmpty()) {
                                queue.add(new Event(id, type, new JsonObject(data.toString())));
                            }
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
                } catch (RuntimeException closed) {
                    // the test closed the stream
                }
            });
        }

        Event next(String type) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (System.nanoTime() < deadline) {
                Event e = queue.poll(100, TimeUnit.MILLISECONDS);
                if (e != null) {
                    if (e.id() != null) {
                        lastId = e.id();
                    }
                    if (e.type().equals(type)) {
                        return e;
                    }
                }
            }
            throw new AssertionError("no " + type + " event within 10 s");
        }

        List<Long> seqs(int n) throws InterruptedException {
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(next("message").data().getLong("seq"));
            }
            return out;
        }

        /** Events of {@code type} arriving within {@code window}. */
        List<Event> within(String type, Duration window) throws InterruptedException {
            List<Event> out = new ArrayList<>();
            long deadline = System.nanoTime() + window.toNanos();
            while (System.nanoTime() < deadline) {
                Event e = queue.poll(50, TimeUnit.MILLISECONDS);
                if (e != null && e.type().equals(type)) {
                    out.add(e);
                }
            }
            return out;
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    private HttpResponse<Stream<String>> request(String token, String lastEventId) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(node.httpUri().resolve("/v1/events")).GET()
                .header("Accept", "text/event-stream");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (lastEventId != null) {
            b.header("Last-Event-ID", lastEventId);
        }
        CompletableFuture<HttpResponse<Stream<String>>> f = http.sendAsync(b.build(), HttpResponse.BodyHandlers.ofLines());
        return f.get(10, TimeUnit.SECONDS);
    }

    private Events stream(TestUser.Device device, String lastEventId) throws Exception {
        HttpResponse<Stream<String>> r = request(device.token(), lastEventId);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        Events e = new Events(r);
        open.add(e);
        return e;
    }

    @Test
    void aStreamFromNowCarriesLiveEntriesAndReceipts() throws Exception {
        node = TestNode.start(dataDir);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        TestSocket a = alice.login("laptop").connect();
        a.sendMessage(c, "old", "before the stream");
        TestUser.Device browser = bob.login("browser");

        Events events = stream(browser, null);
        Event ready = events.next("ready");
        assertThat(ready.data().getLong("userId")).isEqualTo(bob.userId());
        assertThat(ready.id()).isNotBlank();
        a.sendMessage(c, "m2", "live one");
        a.sendMessage(c, "m3", "live two");
        Event second = events.next("message");
        assertThat(second.data().getLong("seq")).isEqualTo(2L);
        assertThat(second.data().getString("body")).isEqualTo("live one");
        assertThat(events.seqs(1)).containsExactly(3L);

        a.send(new dev.parley.protocol.ClientFrame.Read("r", c, 3));
        Event receipt = events.next("receipt");
        while (receipt.data().getLong("userId") != alice.userId() || receipt.data().getLong("read") != 3) {
            receipt = events.next("receipt");
        }
        assertThat(receipt.data()).isEqualTo(new JsonObject().put("conversationId", c).put("userId", alice.userId())
                .put("delivered", 3).put("read", 3));
    }

    @Test
    void aReconnectWithLastEventIdContinuesAfterTheLastEventNothingMissingNothingTwice() throws Exception {
        node = TestNode.start(dataDir);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        long c = alice.directWith(bob);
        long d = carol.directWith(bob);
        TestSocket a = alice.login("laptop").connect();
        TestSocket car = carol.login("phone").connect();
        TestUser.Device browser = bob.login("browser");

        Events first = stream(browser, "0");
        first.next("ready");
        a.sendMessages(c, "a", 3, "to bob");
        assertThat(first.seqs(3)).containsExactly(1L, 2L, 3L);
        String afterThree = first.lastId;
        first.close();

        // While away: more in c, and a first message in d.
        a.sendMessages(c, "b", 2, "missed");
        car.sendMessage(d, "d1", "from carol");
        Events back = stream(browser, afterThree);
        back.next("ready");
        List<Event> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            got.add(back.next("message"));
        }
        assertThat(got).filteredOn(e -> e.data().getLong("conversationId") == c)
                .extracting(e -> e.data().getLong("seq")).containsExactly(4L, 5L);
        assertThat(got).filteredOn(e -> e.data().getLong("conversationId") == d)
                .extracting(e -> e.data().getLong("seq")).containsExactly(1L);
        assertThat(back.within("message", Duration.ofMillis(500))).isEmpty();

        // The positions it resumed from confirmed delivery up to seq 3.
        a.awaitFrame(ServerFrame.Receipt.class, r -> r.userId() == bob.userId() && r.delivered() == 3);

        // Live entries follow on the resumed stream.
        a.sendMessage(c, "live", "after resuming");
        assertThat(back.seqs(1)).containsExactly(6L);
    }

    @Test
    void aFreshStreamFromZeroGetsWholeHistoryInOrder() throws Exception {
        node = TestNode.start(dataDir);
        TestUser alice = node.newUser("alice");
        TestUser bob = node.newUser("bob");
        long c = alice.directWith(bob);
        alice.login("laptop").connect().sendMessages(c, "a", 4, "history");
        Events events = stream(bob.login("browser"), "0");
        events.next("ready");
        assertThat(events.seqs(4)).containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void refusalsComeBeforeTheStream() throws Exception {
        node = TestNode.start(dataDir);
        TestUser bob = node.newUser("bob");
        TestUser.Device browser = bob.login("browser");
        HttpResponse<Stream<String>> noToken = request(null, null);
        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(String.join("", noToken.body().toList())).contains("unauthenticated");
        HttpResponse<Stream<String>> bad = request(browser.token(), "not an id");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(String.join("", bad.body().toList())).contains("invalid_field");
    }
}
