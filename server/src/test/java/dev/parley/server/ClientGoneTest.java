package dev.parley.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.RawWebSocket;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that has already closed its side (sent its close frame, its TCP connection not yet
 * gone) while the node still has entries to hand it: the node drops them quietly and goes on
 * serving everyone else, with no "Unhandled exception" in its log.
 */
class ClientGoneTest {
    @TempDir
    Path dir;

    @Test
    void deliveringToASocketTheClientAlreadyClosedIsNoUnhandledException() throws Exception {
        LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
        ListAppender<ILoggingEvent> captured = new ListAppender<>();
        captured.setContext(ctx);
        captured.start();
        ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(captured);
        try (TestNode node = TestNode.start(dir, c -> c.withLimits(c.limits().withSendRate(10_000, 10_000)))) {
            TestUser alice = node.newUser("alice");
            TestUser bob = node.newUser("bob");
            long c = alice.directWith(bob);
            TestSocket b = bob.login("phone").connect();
            TestSocket alicePhone = alice.login("phone").connect();
            TestUser.Device laptop = alice.login("laptop");
            int sent = 0;
            // The laptop says goodbye while entries for it are on their way: some reach its
            // connection after its close frame and before its TCP connection is gone.
            for (int round = 0; round < 30; round++) {
                RawWebSocket leaving = node.rawSocket();
                leaving.auth(laptop.token());
                for (int i = 0; i < 10; i++) {
                    b.send(new ClientFrame.Send(null, "m" + (++sent), c, "to a closing laptop " + sent));
                    if (i == 3) {
                        leaving.sendFrame(true, RawWebSocket.CLOSE, ByteBuffer.allocate(2).putShort((short) 1000)
                                .array());
                    }
                }
                leaving.awaitEof(Duration.ofSeconds(10));
            }
            // Everyone else is served, in order.
            assertThat(alicePhone.awaitMessages(c, sent)).extracting(ServerFrame.Message::seq)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, sent).boxed().toList());
        } finally {
            ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).detachAppender(captured);
        }
        List<String> errors = captured.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR))
                .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()
                        + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()))
                .toList();
        assertThat(errors).isEmpty();
    }
}
