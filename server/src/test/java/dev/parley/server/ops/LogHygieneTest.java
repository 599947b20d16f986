package dev.parley.server.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With every logger at DEBUG, a session that exercises accounts, logins, messages, errors, the
 * admin API and a restart leaves no token, password or message body in the logs.
 */
class LogHygieneTest {
    @TempDir
    Path dir;

    @Test
    void noTokenPasswordOrMessageBodyIsEverLogged() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(ctx);
        captured.start();
        root.addAppender(captured);
        root.setLevel(Level.DEBUG);
        List<String> secrets = new ArrayList<>();
        try (TestNode node = TestNode.start(dir)) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            secrets.add(alice.password());
            secrets.add(bob.password());
            long c = alice.directWith(bob);
            TestUser.Device phone = alice.login("phone");
            TestUser.Device laptop = bob.login("laptop");
            secrets.add(phone.token());
            secrets.add(laptop.token());
            TestSocket a = phone.connect();
            TestSocket b = laptop.connect();
            String body = "SECRET-BODY-" + Long.toHexString(System.nanoTime());
            secrets.add(body);
            a.sendMessage(c, "s1", body);
            b.awaitFrame(ServerFrame.Message.class, m -> body.equals(m.body()));
            // Refused and malformed requests that carry secrets.
            String otherBody = "SECRET-REFUSED-" + Long.toHexString(System.nanoTime());
            secrets.add(otherBody);
            a.send(new ClientFrame.Send("r", "s2", 424242L, otherBody));
            a.awaitError("r");
            a.sendText("{\"type\":\"send\",\"body\":\"" + otherBody + "\"");
            a.awaitFrame(ServerFrame.Error.class, e -> "malformed".equals(e.code()));
            Rest rest = node.rest();
            rest.login(alice.username(), "wrong-" + alice.password(), "x");
            secrets.add("wrong-" + alice.password());
            rest.post("/v1/accounts", null, new JsonObject().put("username", "x").put("password", "short"));
            rest.get("/v1/me", phone.token() + "tampered");
            TestSocket bad = node.socket();
            bad.send(new ClientFrame.Auth("t", laptop.token() + "zz", null));
            bad.awaitClose();
            // Logout and a restart.
            rest.delete("/v1/sessions/current", laptop.token());
            b.awaitClose();
            node.restart();
        } finally {
            root.detachAppender(captured);
            root.setLevel(before);
        }
        StringBuilder all = new StringBuilder();
        for (ILoggingEvent e : captured.list) {
            all.append(e.getFormattedMessage()).append('\n');
            if (e.getThrowableProxy() != null) {
                all.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
            }
        }
        assertThat(captured.list).as("the scenario was logged at DEBUG").hasSizeGreaterThan(10);
        for (String secret : secrets) {
            assertThat(all.toString()).as("logs must not contain a secret").doesNotContain(secret);
        }
    }
}
