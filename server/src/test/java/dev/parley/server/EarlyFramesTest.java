package dev.parley.server;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.RawWebSocket;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestUser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frames a client sends behind its {@code auth} without waiting for {@code ready} (what
 * GracefulShutdownTest's burst once did): each is answered on its own, with an error that says to
 * wait for {@code ready}, and a client that keeps going past the budget before {@code ready} is
 * told why before the node closes with 1009, instead of seeing a bare 1009 ("frame too large")
 * after requests that were never answered.
 */
class EarlyFramesTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dataDir;

    @Test
    void sendsWrittenTogetherWithAuthAreEachRefusedUntilReadyThenGoThroughWhenSentAgain() throws Exception {
        try (TestNode node = TestNode.start(dataDir)) {
            TestUser alice = node.newUser("alice");
            long chat = alice.directWith(node.newUser("bob"));
            RawWebSocket raw = node.rawSocket();
            // One write: the node reads auth and the sends in one go, so the sends arrive while the
            // token is being checked, whatever the machine's load.
            ByteArrayOutputStream pipelined = new ByteArrayOutputStream();
            pipelined.writeBytes(frame(new ClientFrame.Auth(null, alice.login("laptop").token(), null)));
            for (int i = 0; i < 5; i++) {
                pipelined.writeBytes(frame(new ClientFrame.Send(null, "early-" + i, chat, "early " + i)));
            }
            raw.writeRaw(pipelined.toByteArray());

            List<ServerFrame.Error> refused = new ArrayList<>();
            for (ServerFrame f; !((f = next(raw)) instanceof ServerFrame.Ready); ) {
                assertThat(f).as("answers before ready").isInstanceOf(ServerFrame.Error.class);
                refused.add((ServerFrame.Error) f);
            }
            assertThat(refused).extracting(ServerFrame.Error::clientId)
                    .containsExactly("early-0", "early-1", "early-2", "early-3", "early-4");
            assertThat(refused).allSatisfy(e -> {
                assertThat(e.code()).isEqualTo("not_authenticated_yet");
                assertThat(e.request()).isEqualTo("send");
                assertThat(e.conversationId()).isEqualTo(chat);
                assertThat(e.message()).as("says what to do").contains("wait for ready");
            });

            // Nothing was carried out: sent again after ready, they take seqs 1 to 5.
            for (int i = 0; i < 5; i++) {
                raw.send(new ClientFrame.Send(null, "early-" + i, chat, "early " + i));
                String clientId = "early-" + i;
                assertThat(raw.awaitFrame(ServerFrame.Sent.class, s -> s.clientId().equals(clientId), WAIT).seq())
                        .isEqualTo(i + 1);
            }
        }
    }

    @Test
    void aClientThatKeepsSendingPastTheBudgetBeforeReadyIsToldWhyBeforeClose1009() throws Exception {
        try (TestNode node = TestNode.start(dataDir)) {
            long chat = 1;
            int budget = node.config().limits().preAuthBytes();
            RawWebSocket raw = node.rawSocket();
            ByteArrayOutputStream burst = new ByteArrayOutputStream();
            for (int i = 0; burst.size() <= budget; i++) {
                burst.writeBytes(frame(new ClientFrame.Send(null, "b" + i, chat, "burst " + i)));
            }
            raw.writeRaw(burst.toByteArray());

            assertThat(raw.awaitCloseCode(WAIT)).isEqualTo(1009);
            ServerFrame.Error last = null;
            int refusedSends = 0;
            for (RawWebSocket.Frame f; (f = raw.nextFrame(Duration.ZERO)) != null && f.opcode() == RawWebSocket.TEXT; ) {
                last = (ServerFrame.Error) FrameCodec.decodeServer(f.text());
                refusedSends += "send".equals(last.request()) ? 1 : 0;
            }
            assertThat(refusedSends).as("sends answered before the budget ran out").isPositive();
            assertThat(last).as("the answer just before the close").isNotNull();
            assertThat(last.code()).isEqualTo("not_authenticated_yet");
            assertThat(last.request()).as("about the connection, not one request").isNull();
            assertThat(last.message()).contains(budget + " bytes sent before ready").contains("wait for ready");
        }
    }

    private static byte[] frame(ClientFrame f) {
        byte[] json = FrameCodec.encodeClient(f).getBytes(StandardCharsets.UTF_8);
        return RawWebSocket.encode(true, RawWebSocket.TEXT, json.length, json);
    }

    private static ServerFrame next(RawWebSocket raw) {
        RawWebSocket.Frame f = raw.nextFrame(WAIT);
        assertThat(f).as("a frame within " + WAIT).isNotNull();
        return FrameCodec.decodeServer(f.text());
    }
}
