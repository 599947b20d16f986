package dev.parley.dist;

import dev.parley.sdk.ChatMessage;
import dev.parley.sdk.Conversation;
import dev.parley.sdk.HistoryPage;
import dev.parley.sdk.ParleyClient;
import dev.parley.sdk.ParleyListener;
import dev.parley.sdk.SentMessage;
import dev.parley.sdk.Session;

import java.net.URI;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a new user does first, through the Java SDK: two accounts, a direct conversation, a
 * message one sends and the other receives live, then finds in the history.
 */
final class TwoUsersChat {
    private TwoUsersChat() {
    }

    static void run(URI node, String text) throws Exception {
        ParleyClient.register(node, "alice", "alice-secret-1");
        ParleyClient.register(node, "bob", "bob-secret-12");
        Session alice = ParleyClient.login(node, "alice", "alice-secret-1", "laptop");
        Session bob = ParleyClient.login(node, "bob", "bob-secret-12", "phone");
        BlockingQueue<ChatMessage> bobGot = new LinkedBlockingQueue<>();
        try (ParleyClient b = ParleyClient.builder(node, bob).listener(new ParleyListener() {
                @Override
                public void onMessage(ChatMessage m) {
                    bobGot.add(m);
                }
            }).build();
             ParleyClient a = ParleyClient.builder(node, alice).build()) {
            b.connect().get(30, TimeUnit.SECONDS);
            a.connect().get(30, TimeUnit.SECONDS);
            Conversation direct = a.openDirect("bob");
            SentMessage sent = a.send(direct.conversationId(), text).get(30, TimeUnit.SECONDS);

            ChatMessage got = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (got == null && System.nanoTime() < deadline) {
                ChatMessage m = bobGot.poll(1, TimeUnit.SECONDS);
                if (m != null && m.isText()) {
                    got = m;
                }
            }
            assertThat(got).as("bob receives alice's message live").isNotNull();
            assertThat(got.body()).isEqualTo(text);
            assertThat(got.seq()).isEqualTo(sent.seq());
            assertThat(got.conversationId()).isEqualTo(direct.conversationId());

            HistoryPage page = b.history(direct.conversationId(), null, null, 50);
            assertThat(page.messages()).filteredOn(ChatMessage::isText).extracting(ChatMessage::body).containsExactly(text);
        }
    }
}
