package dev.parley.server;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.RawWebSocket;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every code of the error table in docs/protocol.md that applies to what this node implements,
 * provoked over WebSocket and REST, and every close code. An error frame names the request it
 * refuses ({@code request}, {@code rid}, {@code clientId}) and never closes the connection.
 */
class ErrorCodesTest {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    @TempDir
    static Path sharedDir;
    @AutoClose
    static TestNode node;

    @TempDir
    Path ownDir;

    TestUser alice;
    TestUser bob;
    TestUser.Device aliceDevice;
    long c;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start(sharedDir);
    }

    @BeforeEach
    void users() {
        alice = node.newUser("alice");
        bob = node.newUser("bob");
        c = alice.directWith(bob);
        aliceDevice = alice.login("laptop");
    }

    // ---- malformed -----------------------------------------------------------------------

    @Test
    void malformedOverWebSocket() {
        TestSocket s = aliceDevice.connect();
        for (String garbage : List.of("{\"type\":\"send\",", "[1,2,3]", "\"a string\"", "42", "null",
                "{\"type\":\"ping\"} {\"type\":\"ping\"}", "not json at all")) {
            s.sendText(garbage);
            ServerFrame.Error e = s.awaitFrame(ServerFrame.Error.class);
            assertThat(e.code()).as("answer to %s", garbage).isEqualTo("malformed");
            assertThat(e.request()).as("a frame that cannot be parsed names no request").isNull();
        }
        s.sendBinary("{\"type\":\"ping\",\"rid\":\"bin\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(s.awaitFrame(ServerFrame.Error.class).code()).isEqualTo("malformed");
        assertThat(s.matching(ServerFrame.Pong.class, p -> true)).as("a binary frame is not read").isEmpty();
        assertStillServes(s);
    }

    @Test
    void malformedOverRest() {
        Rest rest = node.rest();
        for (String body : new String[] {"not json", "[1,2]", "{\"username\":", "\"alice\""}) {
            Rest.Response r = rest.send("POST", "/v1/accounts", null, body, "application/json");
            assertThat(r.status()).as("body %s", body).isEqualTo(400);
            assertThat(r.errorCode()).isEqualTo("malformed");
            assertThat(r.errorMessage()).isNotBlank();
        }
        Rest.Response empty = rest.send("POST", "/v1/sessions", null, null, "application/json");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.errorCode()).isEqualTo("malformed");
        Rest.Response direct = rest.send("POST", "/v1/conversations/direct", aliceDevice.token(), "{oops",
                "application/json");
        assertThat(direct.errorCode()).isEqualTo("malformed");
    }

    // ---- unknown_type, missing_field, invalid_field --------------------------------------

    @Test
    void unknownType() {
        TestSocket s = aliceDevice.connect();
        s.sendText("{\"type\":\"dance\",\"rid\":\"u1\"}");
        ServerFrame.Error e = s.awaitError("u1");
        assertThat(e.code()).isEqualTo("unknown_type");
        assertThat(e.request()).isEqualTo("dance");
        assertStillServes(s);
    }

    @Test
    void unknownFieldsAreIgnored() {
        TestSocket s = aliceDevice.connect();
        s.sendText("{\"type\":\"send\",\"rid\":\"x1\",\"clientId\":\"extra-1\",\"conversationId\":" + c
                + ",\"body\":\"hi\",\"future\":{\"nested\":[1,{\"deep\":true}]},\"flag\":false}");
        assertThat(s.awaitFrame(ServerFrame.Sent.class, x -> "x1".equals(x.rid())).seq()).isEqualTo(1);
    }

    @Test
    void missingField() {
        TestSocket s = aliceDevice.connect();
        s.sendText("{\"type\":\"send\",\"rid\":\"m1\",\"clientId\":\"cid-1\",\"conversationId\":" + c + "}");
        ServerFrame.Error e = s.awaitError("m1");
        assertThat(e.code()).isEqualTo("missing_field");
        assertThat(e.request()).isEqualTo("send");
        assertThat(e.clientId()).isEqualTo("cid-1");
        assertThat(e.message()).contains("body");

        s.sendText("{\"type\":\"send\",\"rid\":\"m2\",\"conversationId\":" + c + ",\"body\":\"x\"}");
        assertThat(s.awaitError("m2").code()).isEqualTo("missing_field");
        s.sendText("{\"type\":\"read\",\"rid\":\"m3\",\"conversationId\":" + c + "}");
        ServerFrame.Error read = s.awaitError("m3");
        assertThat(read.code()).isEqualTo("missing_field");
        assertThat(read.request()).isEqualTo("read");
        s.sendText("{\"rid\":\"m4\"}");
        assertThat(s.awaitError("m4").code()).isEqualTo("missing_field");
        assertStillServes(s);

        Rest rest = node.rest();
        assertRestError(rest.post("/v1/accounts", null, new JsonObject().put("username", "nopassword")),
                400, "missing_field");
        assertRestError(rest.post("/v1/sessions", null, new JsonObject().put("password", "whatever-it-is")),
                400, "missing_field");
        assertRestError(rest.post("/v1/conversations/direct", aliceDevice.token(), new JsonObject()),
                400, "missing_field");
    }

    /** docs/protocol.md: conversationId is copied from the refused frame when it had one. */
    @Test
    void anErrorNamesTheConversationOfTheRefusedFrame() {
        TestSocket s = aliceDevice.connect();
        s.sendText("{\"type\":\"send\",\"rid\":\"m1\",\"clientId\":\"cid-1\",\"conversationId\":" + c + "}");
        ServerFrame.Error e = s.awaitError("m1");
        assertThat(e.code()).isEqualTo("missing_field");
        assertThat(e.conversationId()).as("conversationId copied into %s", e).isEqualTo(c);
    }

    @Test
    void invalidFieldOverWebSocket() {
        TestSocket s = aliceDevice.connect();
        s.sendText("{\"type\":\"send\",\"rid\":\"i1\",\"clientId\":\"cid-1\",\"conversationId\":\"abc\",\"body\":\"x\"}");
        ServerFrame.Error wrongType = s.awaitError("i1");
        assertThat(wrongType.code()).isEqualTo("invalid_field");
        assertThat(wrongType.request()).isEqualTo("send");
        assertThat(wrongType.clientId()).isEqualTo("cid-1");

        s.send(new ClientFrame.Send("i2", "cid-2", c, ""));
        ServerFrame.Error empty = s.awaitError("i2");
        assertThat(empty.code()).as("empty body").isEqualTo("invalid_field");
        assertThat(empty.request()).isEqualTo("send");
        assertThat(empty.clientId()).isEqualTo("cid-2");
        assertThat(empty.conversationId()).isEqualTo(c);

        s.send(new ClientFrame.Send("i3", "x".repeat(65), c, "hi"));
        ServerFrame.Error longId = s.awaitError("i3");
        assertThat(longId.code()).as("clientId over 64 characters").isEqualTo("invalid_field");
        assertThat(longId.request()).isEqualTo("send");
        s.send(new ClientFrame.Send("i4", "has space", c, "hi"));
        assertThat(s.awaitError("i4").code()).isEqualTo("invalid_field");
        s.send(new ClientFrame.Send("i5", "caf\u00e9", c, "hi"));
        assertThat(s.awaitError("i5").code()).as("clientId is printable ASCII").isEqualTo("invalid_field");
        s.sendText("{\"type\":\"delivered\",\"rid\":\"i6\",\"conversationId\":" + c + ",\"seq\":-1}");
        assertThat(s.awaitError("i6").code()).isEqualTo("invalid_field");
        s.sendText("{\"type\":\"read\",\"rid\":\"i7\",\"conversationId\":0,\"seq\":1}");
        assertThat(s.awaitError("i7").code()).isEqualTo("invalid_field");
        s.sendText("{\"type\":\"send\",\"rid\":\"i8\",\"clientId\":\"cid-8\",\"conversationId\":" + c + ",\"body\":7}");
        assertThat(s.awaitError("i8").code()).isEqualTo("invalid_field");
        s.sendText("{\"type\":42,\"rid\":\"i9\"}");
        assertThat(s.awaitError("i9").code()).isEqualTo("invalid_field");

        // A rid over 64 characters is refused (and, being invalid, not echoed).
        s.sendText("{\"type\":\"ping\",\"rid\":\"" + "r".repeat(65) + "\"}");
        ServerFrame.Error longRid = s.awaitFrame(ServerFrame.Error.class);
        assertThat(longRid.code()).isEqualTo("invalid_field");
        assertThat(longRid.request()).isEqualTo("ping");
        s.sendText("{\"type\":\"ping\",\"rid\":\"" + "r".repeat(64) + "\"}");
        s.awaitFrame(ServerFrame.Pong.class, p -> p.rid().length() == 64);

        assertThat(s.matching(ServerFrame.Sent.class, x -> true)).isEmpty();
        assertThat(aliceDevice.history(c, "").array("messages")).isEmpty();
        assertStillServes(s);
    }

    @Test
    void invalidFieldOverRest() {
        Rest rest = node.rest();
        assertRestError(rest.register("ab", "long enough password"), 400, "invalid_field");
        assertRestError(rest.register("has space", "long enough password"), 400, "invalid_field");
        assertRestError(rest.register("x".repeat(33), "long enough password"), 400, "invalid_field");
        assertRestError(rest.register("fine_name_" + System.nanoTime() % 1000, "short"), 400, "invalid_field");
        assertRestError(rest.post("/v1/accounts", null, new JsonObject().put("username", 12345).put("password",
                "long enough password")), 400, "invalid_field");
        String token = aliceDevice.token();
        assertRestError(rest.openDirect(token, alice.username()), 400, "invalid_field");
        assertRestError(rest.post("/v1/conversations/direct", token, new JsonObject().put("userId", alice.userId())),
                400, "invalid_field");
        assertRestError(rest.post("/v1/conversations/direct", token, new JsonObject().put("userId", "seven")),
                400, "invalid_field");
        for (String q : List.of("limit=0", "limit=201", "limit=abc", "before=5&after=1", "after=-1")) {
            assertRestError(rest.history(token, c, q), 400, "invalid_field");
        }
        assertThat(rest.history(token, c, "limit=200").status()).isEqualTo(200);
    }

    // ---- too_large -----------------------------------------------------------------------

    @Test
    void tooLargeOverWebSocket() {
        TestSocket s = aliceDevice.connect();
        // A frame over maxFrameBytes (64 KiB) but under the hard limit: refused, connection kept.
        s.send(new ClientFrame.Send("t1", "big-frame", c, "x".repeat(70_000)));
        ServerFrame.Error frame = s.awaitFrame(ServerFrame.Error.class);
        assertThat(frame.request()).as("the refused frame is named").isEqualTo("send");
        assertThat(frame.clientId()).isEqualTo("big-frame");
        assertThat(frame.code()).isEqualTo("too_large");
        // A body over maxBodyBytes (16 KiB) in a frame under the limit.
        s.send(new ClientFrame.Send("t2", "big-body", c, "x".repeat(16_385)));
        ServerFrame.Error body = s.awaitError("t2");
        assertThat(body.code()).isEqualTo("too_large");
        assertThat(body.request()).isEqualTo("send");
        assertThat(body.clientId()).isEqualTo("big-body");
        assertThat(body.conversationId()).isEqualTo(c);
        // The limit counts UTF-8 bytes, not characters: 6,000 euro signs are 18,000 bytes.
        s.send(new ClientFrame.Send("t3", "euros", c, "\u20ac".repeat(6_000)));
        assertThat(s.awaitError("t3").code()).isEqualTo("too_large");
        // Exactly at the limit is fine.
        ServerFrame.Sent atLimit = s.sendMessage(c, "at-limit", "y".repeat(16_384));
        assertThat(atLimit.seq()).isEqualTo(1);
        assertThat(aliceDevice.history(c, "").array("messages")).hasSize(1);
        assertStillServes(s);
    }

    @Test
    void tooManyPositionsInAuth() throws Exception {
        var d = dev.parley.server.ServerConfig.Limits.defaults();
        var roomy = new dev.parley.server.ServerConfig.Limits(512 * 1024, d.hardFrameBytes(), d.maxBodyBytes(),
                d.sendsPerSecond(), d.sendBurst(), d.framesPerSecond(), d.frameBurst(), d.maxPageSize(),
                d.outboundQueueBytes(), d.maxHttpBodyBytes(), d.maxGroupSize(), d.maxCatchUp());
        try (TestNode big = TestNode.start(ownDir, cfg -> cfg.withLimits(roomy))) {
            TestUser u = big.newUser("alice");
            TestUser.Device device = u.login("laptop");
            TestSocket s = big.socket();
            java.util.Map<Long, Long> positions = new java.util.HashMap<>();
            for (long id = 1; id <= 10_001; id++) {
                positions.put(id, 0L);
            }
            s.send(new ClientFrame.Auth("many", device.token(), positions));
            ServerFrame.Error e = s.awaitError("many");
            assertThat(e.code()).isEqualTo("too_large");
            assertThat(e.request()).isEqualTo("auth");
            positions.remove(10_001L);
            assertThat(s.authWithPositions(device.token(), positions).userId()).isEqualTo(u.userId());
            s.awaitFrame(ServerFrame.Synced.class);
        }
    }

    @Test
    void tooLargeOverRest() {
        String huge = new JsonObject().put("username", "someone").put("password", "p".repeat(70_000)).encode();
        Rest.Response r = node.rest().send("POST", "/v1/accounts", null, huge, "application/json");
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.errorCode()).isEqualTo("too_large");
    }

    // ---- rate_limited --------------------------------------------------------------------

    @Test
    void rateLimitedSends() throws Exception {
        try (TestNode slow = TestNode.start(ownDir, cfg -> cfg.withLimits(cfg.limits().withSendRate(2, 3)))) {
            TestUser a = slow.newUser("alice");
            TestUser b = slow.newUser("bob");
            long conv = a.directWith(b);
            TestUser.Device device = a.login("laptop");
            TestSocket s = slow.socket();
            assertThat(s.auth(device.token()).sendsPerSecond()).isEqualTo(2);
            for (int i = 1; i <= 8; i++) {
                s.send(new ClientFrame.Send("r" + i, "rl-" + i, conv, "message " + i));
            }
            List<ServerFrame.Error> refused = new java.util.ArrayList<>();
            int sent = 0;
            for (int i = 1; i <= 8; i++) {
                String rid = "r" + i;
                ServerFrame f = awaitAnswer(s, rid);
                if (f instanceof ServerFrame.Error e) {
                    refused.add(e);
                } else {
                    sent++;
                }
            }
            assertThat(sent).as("the burst of 3 (plus what refilled meanwhile) went through").isGreaterThanOrEqualTo(3);
            assertThat(refused).as("the rest was refused").isNotEmpty();
            for (ServerFrame.Error e : refused) {
                assertThat(e.code()).isEqualTo("rate_limited");
                assertThat(e.request()).isEqualTo("send");
                assertThat(e.clientId()).startsWith("rl-");
                assertThat(e.conversationId()).isEqualTo(conv);
                assertThat(e.retryAfterMs()).isPositive();
            }
            // Only the confirmed ones were stored; a refused one goes through when retried later.
            assertThat(device.history(conv, "").array("messages")).hasSize(sent);
            ServerFrame.Error first = refused.getFirst();
            Thread.sleep(first.retryAfterMs()); // the wait the node asked for, not an assertion
            ServerFrame.Sent retried = null;
            for (int attempt = 0; attempt < 50 && retried == null; attempt++) {
                s.send(new ClientFrame.Send("retry" + attempt, first.clientId(), conv, "message "
                        + first.rid().substring(1)));
                ServerFrame answer = awaitAnswer(s, "retry" + attempt);
                if (answer instanceof ServerFrame.Sent ok) {
                    retried = ok;
                } else {
                    Thread.sleep(((ServerFrame.Error) answer).retryAfterMs());
                }
            }
            assertThat(retried).isNotNull();
            assertThat(retried.seq()).isEqualTo(sent + 1);
        }
    }

    @Test
    void rateLimitedFrames() throws Exception {
        var d = dev.parley.server.ServerConfig.Limits.defaults();
        var limits = new dev.parley.server.ServerConfig.Limits(d.maxFrameBytes(), d.hardFrameBytes(), d.maxBodyBytes(),
                d.sendsPerSecond(), d.sendBurst(), 5, 10, d.maxPageSize(), d.outboundQueueBytes(),
                d.maxHttpBodyBytes(), d.maxGroupSize(), d.maxCatchUp());
        try (TestNode slow = TestNode.start(ownDir, cfg -> cfg.withLimits(limits))) {
            TestSocket s = slow.socket();
            for (int i = 0; i < 60; i++) {
                s.send(new ClientFrame.Ping("p" + i));
            }
            ServerFrame.Error e = s.awaitFrame(ServerFrame.Error.class);
            assertThat(e.code()).isEqualTo("rate_limited");
            assertThat(e.retryAfterMs()).isPositive();
            assertThat(e.request()).as("a refused frame is named even when refused before it is carried out")
                    .isEqualTo("ping");
            assertThat(e.rid()).startsWith("p");
            s.awaitFrame(ServerFrame.Pong.class, p -> "p0".equals(p.rid()));
            assertThat(s.isClosed()).isFalse();
        }
    }

    @Test
    void aClientSendingNothingButRefusedFramesIsClosedWith4010() {
        TestSocket s = aliceDevice.connect();
        for (int i = 0; i < 99; i++) {
            s.sendText("{\"type\":\"dance\"}");
        }
        // Frames are answered in order: when the pong is back, all 99 refusals are too.
        s.send(new ClientFrame.Ping("good"));
        s.awaitFrame(ServerFrame.Pong.class, p -> "good".equals(p.rid()));
        assertThat(s.matching(ServerFrame.Error.class, e -> "unknown_type".equals(e.code()))).hasSize(99);
        assertThat(s.isClosed()).as("99 refused frames in a row are tolerated").isFalse();
        for (int i = 0; i < 100; i++) {
            s.sendText("not json " + i);
        }
        TestSocket.Closed closed = s.awaitClose(CLOSE_WAIT);
        assertThat(closed.code()).isEqualTo(4010);
        assertThat(closed.reason()).isEqualTo("protocol_violation");
    }

    // ---- authentication ------------------------------------------------------------------

    @Test
    void unauthenticatedOverRestAndBadTokenOverWebSocketCloses4001() {
        assertRestError(node.rest().get("/v1/me", null), 401, "unauthenticated");
        assertRestError(node.rest().get("/v1/devices", "bogus"), 401, "unauthenticated");

        TestSocket s = node.socket();
        s.send(new ClientFrame.Auth("a1", "this-token-does-not-exist-0000000000000000", null));
        ServerFrame.Error e = s.awaitError("a1");
        assertThat(e.code()).isEqualTo("unauthenticated");
        assertThat(e.request()).isEqualTo("auth");
        TestSocket.Closed closed = s.awaitClose();
        assertThat(closed.code()).isEqualTo(4001);
        assertThat(closed.reason()).isEqualTo("auth_failed");
    }

    @Test
    void notAuthenticatedYet() {
        TestSocket s = node.socket();
        s.send(new ClientFrame.Send("n1", "early-1", c, "too early"));
        ServerFrame.Error send = s.awaitError("n1");
        assertThat(send.code()).isEqualTo("not_authenticated_yet");
        assertThat(send.request()).isEqualTo("send");
        assertThat(send.clientId()).isEqualTo("early-1");
        s.send(new ClientFrame.Delivered("n2", c, 1));
        ServerFrame.Error delivered = s.awaitError("n2");
        assertThat(delivered.code()).isEqualTo("not_authenticated_yet");
        assertThat(delivered.request()).isEqualTo("delivered");
        // ping is allowed before auth, and the connection can still authenticate.
        s.send(new ClientFrame.Ping("p1"));
        s.awaitFrame(ServerFrame.Pong.class, p -> "p1".equals(p.rid()));
        assertThat(s.auth(aliceDevice.token()).userId()).isEqualTo(alice.userId());
        assertThat(aliceDevice.history(c, "").array("messages")).isEmpty();
        assertThat(s.sendMessage(c, "late-1", "now it works").seq()).isEqualTo(1);
    }

    @Test
    void alreadyAuthenticated() {
        TestSocket s = aliceDevice.connect();
        s.send(new ClientFrame.Auth("again", aliceDevice.token(), null));
        ServerFrame.Error e = s.awaitError("again");
        assertThat(e.code()).isEqualTo("already_authenticated");
        assertThat(e.request()).isEqualTo("auth");
        assertThat(s.matching(ServerFrame.Ready.class, r -> true)).hasSize(1);
        assertStillServes(s);
    }

    @Test
    void invalidCredentialsDoNotSayWhichPartWasWrong() {
        Rest.Response wrongPassword = node.rest().login(alice.username(), "not-the-password", "x");
        Rest.Response unknownUser = node.rest().login("nobody_" + alice.username(), "not-the-password", "x");
        assertRestError(wrongPassword, 401, "invalid_credentials");
        assertRestError(unknownUser, 401, "invalid_credentials");
        assertThat(wrongPassword.body()).isEqualTo(unknownUser.body());
        assertThat(node.rest().login(alice.username().toUpperCase(), alice.password(), "x").status())
                .as("usernames are case-insensitive").isEqualTo(201);
    }

    @Test
    void usernameTaken() {
        assertRestError(node.rest().register(alice.username(), "another password"), 409, "username_taken");
        assertRestError(node.rest().register(alice.username().toUpperCase(), "another password"), 409,
                "username_taken");
    }

    // ---- not_found, client_id_conflict, method_not_allowed --------------------------------

    @Test
    void notFound() {
        String token = aliceDevice.token();
        Rest rest = node.rest();
        assertRestError(rest.get("/v1/users/nobody_here", token), 404, "not_found");
        assertRestError(rest.openDirect(token, "nobody_here"), 404, "not_found");
        assertRestError(rest.post("/v1/conversations/direct", token, new JsonObject().put("userId", 123456789L)),
                404, "not_found");
        assertRestError(rest.get("/v1/conversations/" + (c + 7919), token), 404, "not_found");
        assertRestError(rest.get("/v1/conversations/not-a-number", token), 404, "not_found");
        assertRestError(rest.delete("/v1/devices/123456789", token), 404, "not_found");
        assertRestError(rest.get("/v1/no/such/endpoint", token), 404, "not_found");
        assertThat(rest.get("/v1/users/" + bob.username().toUpperCase(), token).getLong("userId"))
                .isEqualTo(bob.userId());

        TestSocket s = aliceDevice.connect();
        s.send(new ClientFrame.Send("nf", "nf-1", c + 7919, "anyone?"));
        ServerFrame.Error e = s.awaitError("nf");
        assertThat(e.code()).isEqualTo("not_found");
        assertThat(e.request()).isEqualTo("send");
        assertThat(e.clientId()).isEqualTo("nf-1");
        assertThat(e.conversationId()).isEqualTo(c + 7919);

        // Any WebSocket path but /v1/ws is refused with HTTP 404.
        assertThatThrownBy(() -> TestSocket.connect(URI.create("ws://127.0.0.1:" + node.port() + "/v1/other")))
                .cause().isInstanceOfSatisfying(WebSocketHandshakeException.class,
                        h -> assertThat(h.getResponse().statusCode()).isEqualTo(404));
    }

    @Test
    void clientIdConflict() {
        TestSocket s = aliceDevice.connect();
        s.sendMessage(c, "same-id", "one");
        s.send(new ClientFrame.Send("cc", "same-id", c, "two"));
        ServerFrame.Error e = s.awaitError("cc");
        assertThat(e.code()).isEqualTo("client_id_conflict");
        assertThat(e.request()).isEqualTo("send");
        assertThat(e.clientId()).isEqualTo("same-id");
    }

    @Test
    void methodNotAllowed() {
        Rest rest = node.rest();
        String token = aliceDevice.token();
        String[][] calls = {{"POST", "/health"}, {"PUT", "/v1/accounts"}, {"POST", "/v1/me"}, {"GET", "/v1/sessions"},
            {"POST", "/v1/devices"}};
        for (String[] call : calls) {
            boolean body = !call[0].equals("GET") && !call[0].equals("DELETE");
            Rest.Response r = rest.send(call[0], call[1], token, body ? "{}" : null, body ? "application/json" : null);
            assertThat(r.status()).as("%s %s: %s", call[0], call[1], r).isEqualTo(405);
            assertThat(r.errorCode()).as("%s %s: %s", call[0], call[1], r).isEqualTo("method_not_allowed");
        }
    }

    // ---- close codes ---------------------------------------------------------------------

    @Test
    void noAuthInTimeClosesWith4002() throws Exception {
        try (TestNode quick = TestNode.start(ownDir,
                cfg -> cfg.withTiming(TestNode.timing(Duration.ofSeconds(25), Duration.ofMillis(1000))))) {
            TestUser u = quick.newUser("alice");
            TestSocket authed = u.login("laptop").connect();
            TestSocket silent = quick.socket();
            silent.send(new ClientFrame.Ping("early"));
            silent.awaitFrame(ServerFrame.Pong.class);
            TestSocket.Closed closed = silent.awaitClose(CLOSE_WAIT);
            assertThat(closed.code()).isEqualTo(4002);
            assertThat(closed.reason()).isEqualTo("auth_timeout");
            // The socket that authenticated in time (and was opened earlier) is not affected.
            assertStillServes(authed);
        }
    }

    @Test
    void aFrameOverTheHardLimitClosesWith1009() {
        RawWebSocket raw = node.rawSocket();
        raw.auth(aliceDevice.token());
        // Announce a 2 MiB text frame; the node refuses it at the header.
        raw.sendHeaderAndPayload(true, RawWebSocket.TEXT, 2L * 1024 * 1024, new byte[1024]);
        assertThat(raw.awaitCloseCode(CLOSE_WAIT)).isEqualTo(1009);
    }

    @Test
    void fragmentsAddingUpOverTheHardLimitCloseWith1009() {
        RawWebSocket raw = node.rawSocket();
        raw.auth(aliceDevice.token());
        byte[] chunk = new byte[400 * 1024];
        Arrays.fill(chunk, (byte) 'a');
        raw.sendFrame(false, RawWebSocket.TEXT, chunk);
        raw.sendFrame(false, RawWebSocket.CONTINUATION, chunk);
        raw.sendFrame(false, RawWebSocket.CONTINUATION, chunk);
        assertThat(raw.awaitCloseCode(CLOSE_WAIT)).isEqualTo(1009);
    }

    @Test
    void fragmentedMessagesAreReassembledAndCheckedAgainstTheLimitAsAWhole() {
        RawWebSocket raw = node.rawSocket();
        raw.auth(aliceDevice.token());
        byte[] ping = "{\"type\":\"ping\",\"rid\":\"frag\"}".getBytes(StandardCharsets.UTF_8);
        raw.sendFrame(false, RawWebSocket.TEXT, Arrays.copyOfRange(ping, 0, 5));
        raw.sendFrame(true, RawWebSocket.PING, new byte[0]); // control frames may come between fragments
        raw.sendFrame(false, RawWebSocket.CONTINUATION, Arrays.copyOfRange(ping, 5, 12));
        raw.sendFrame(true, RawWebSocket.CONTINUATION, Arrays.copyOfRange(ping, 12, ping.length));
        assertThat(raw.awaitFrame(ServerFrame.Pong.class, CLOSE_WAIT).rid()).isEqualTo("frag");

        // 3 x 30 KB: each fragment is small, the message is over maxFrameBytes.
        byte[] chunk = new byte[30_000];
        Arrays.fill(chunk, (byte) ' ');
        raw.sendFrame(false, RawWebSocket.TEXT, chunk);
        raw.sendFrame(false, RawWebSocket.CONTINUATION, chunk);
        raw.sendFrame(true, RawWebSocket.CONTINUATION, chunk);
        assertThat(raw.awaitFrame(ServerFrame.Error.class, CLOSE_WAIT).code()).isEqualTo("too_large");
        raw.send(new ClientFrame.Ping("after"));
        assertThat(raw.awaitFrame(ServerFrame.Pong.class, CLOSE_WAIT).rid()).isEqualTo("after");
    }

    @Test
    void aSilentConnectionIsClosedWith4009() throws Exception {
        try (TestNode beating = TestNode.start(ownDir,
                cfg -> cfg.withTiming(TestNode.timing(Duration.ofMillis(1000), Duration.ofSeconds(10))))) {
            TestUser u = beating.newUser("alice");
            TestUser.Device device = u.login("laptop");
            TestSocket healthy = device.connect(); // the JDK client answers pings by itself
            // Ignores pings too, but sends protocol pings: any frame is a sign of life.
            RawWebSocket talker = beating.rawSocket();
            talker.auth(device.token());
            talker.answerPings(false);
            AtomicBoolean done = new AtomicBoolean();
            Thread chatter = Thread.ofPlatform().daemon().start(() -> {
                while (!done.get()) {
                    talker.send(new ClientFrame.Ping("beat"));
                    LockSupport.parkNanos(Duration.ofMillis(150).toNanos());
                }
            });
            try {
                RawWebSocket halfOpen = beating.rawSocket();
                assertThat(halfOpen.auth(device.token()).heartbeatMs()).isEqualTo(1000);
                halfOpen.answerPings(false);
                assertThat(halfOpen.awaitCloseCode(CLOSE_WAIT)).isEqualTo(4009);
                assertThat(halfOpen.pingsSeen()).as("the node pinged before giving up").isPositive();
            } finally {
                done.set(true);
                chatter.join(5_000);
            }
            // The older connections that showed signs of life are still served.
            assertThat(healthy.isClosed()).isFalse();
            assertStillServes(healthy);
            talker.send(new ClientFrame.Ping("last"));
            assertThat(talker.awaitFrame(ServerFrame.Pong.class, p -> "last".equals(p.rid()), CLOSE_WAIT)).isNotNull();
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    private static ServerFrame awaitAnswer(TestSocket s, String rid) {
        return s.awaitFrame(ServerFrame.class, f -> f instanceof ServerFrame.Sent x && rid.equals(x.rid())
                || f instanceof ServerFrame.Error e && rid.equals(e.rid()));
    }

    private static void assertRestError(Rest.Response r, int status, String code) {
        assertThat(r.status()).as("%s", r).isEqualTo(status);
        assertThat(r.errorCode()).as("%s", r).isEqualTo(code);
        assertThat(r.errorMessage()).as("%s", r).isNotBlank();
    }

    /** An error never closes the connection: it still answers a ping. */
    static void assertStillServes(TestSocket s) {
        String rid = "alive-" + System.nanoTime();
        s.send(new ClientFrame.Ping(rid));
        s.awaitFrame(ServerFrame.Pong.class, p -> rid.equals(p.rid()));
        assertThat(s.isClosed()).isFalse();
    }
}
