package dev.parley.sdk;

import dev.parley.protocol.ErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The SDK's typed message actions against a real node: reply, react, edit and delete go out as
 * entries, come back to the other user's listener as entries and typed callbacks, and to the
 * sender's own listener from the confirmation; history reads carry each message's current state.
 */
class MessageActionsTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String THUMBS = "\uD83D\uDC4D";

    @TempDir
    static Path dir;
    static LocalNode node;
    private final List<ParleyClient> clients = new ArrayList<>();

    @BeforeAll
    static void startNode() throws Exception {
        node = LocalNode.start(dir);
    }

    @AfterAll
    static void stopNode() {
        node.close();
    }

    @AfterEach
    void closeClients() {
        clients.forEach(ParleyClient::close);
    }

    /** Records the typed callbacks as lines, besides what {@link Recorder} keeps. */
    static final class ActionRecorder extends Recorder {
        final List<String> actions = new CopyOnWriteArrayList<>();

        @Override
        public void onReaction(long conversationId, long targetSeq, long userId, String emoji, boolean added) {
            actions.add((added ? "react " : "unreact ") + targetSeq + " " + emoji + " by " + userId);
        }

        @Override
        public void onEdited(long conversationId, long targetSeq, String body, long editedAt) {
            actions.add("edit " + targetSeq + " " + body);
        }

        @Override
        public void onDeleted(long conversationId, long targetSeq, long deletedBy, long deletedAt) {
            actions.add("delete " + targetSeq + " by " + deletedBy);
        }
    }

    @Test
    void everyActionReachesTheOtherUserAndTheSendersOwnListener() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        ActionRecorder aliceSees = new ActionRecorder();
        ActionRecorder bobSees = new ActionRecorder();
        ParleyClient a = client(alice, aliceSees);
        ParleyClient b = client(bob, bobSees);
        long cid = a.openDirect(bob.username()).conversationId();
        a.connect().get(20, TimeUnit.SECONDS);
        b.connect().get(20, TimeUnit.SECONDS);

        long question = a.send(cid, "lunch at noon?").get(20, TimeUnit.SECONDS).seq();
        long reply = b.reply(cid, question, "yes").get(20, TimeUnit.SECONDS).seq();
        long reacted = b.react(cid, question, THUMBS, false).get(20, TimeUnit.SECONDS).seq();
        assertThat(b.react(cid, question, THUMBS, false).get(20, TimeUnit.SECONDS).seq()).as("already so").isZero();
        long edited = a.edit(cid, question, "lunch at 12:30?").get(20, TimeUnit.SECONDS).seq();
        long deleted = a.delete(cid, question).get(20, TimeUnit.SECONDS).seq();
        assertThat(List.of(reply, reacted, edited, deleted)).containsExactly(2L, 3L, 4L, 5L);

        await().atMost(PATIENCE).until(() -> aliceSees.in(cid).size() == 5 && bobSees.in(cid).size() == 5);
        for (ActionRecorder seen : List.of(aliceSees, bobSees)) {
            List<ChatMessage> entries = seen.in(cid);
            assertThat(entries).extracting(ChatMessage::kind).containsExactly(EntryKind.TEXT, EntryKind.TEXT,
                    EntryKind.REACTION_ADDED, EntryKind.EDITED, EntryKind.DELETED);
            assertThat(entries.get(1).replyTo()).isEqualTo(question);
            assertThat(entries.subList(2, 5)).extracting(ChatMessage::targetSeq).containsOnly(question);
            assertThat(seen.actions).containsExactly("react 1 " + THUMBS + " by " + bob.userId(),
                    "edit 1 lunch at 12:30?", "delete 1 by " + alice.userId());
        }
        assertThat(bobSees.in(cid).get(1).quote()).as("bob's own copy of his reply is built from his confirmation:"
                + " no quote (his app holds the quoted message); alice's copy, from the node, has one").isNull();
        assertThat(aliceSees.in(cid).get(1).quote())
                .isEqualTo(new ChatMessage.Quote(question, alice.userId(), EntryKind.TEXT, "lunch at noon?", false));

        HistoryPage page = b.history(cid, null, 0L, 10);
        ChatMessage tombstone = page.messages().getFirst();
        assertThat(tombstone.isDeleted()).isTrue();
        assertThat(tombstone.body()).isNull();
        assertThat(tombstone.deletedBy()).isEqualTo(alice.userId());
        assertThat(tombstone.reactions()).isEmpty();
        assertThat(page.messages().get(1).quote().deleted()).isTrue();

        assertThatThrownBy(() -> b.edit(cid, question, "nope").get(20, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).cause().isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.MESSAGE_DELETED));
    }

    @Test
    void historyCarriesCurrentReactionsAndEdits() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        ParleyClient a = client(alice, new Recorder());
        ParleyClient b = client(bob, new Recorder());
        long cid = a.openDirect(bob.username()).conversationId();
        a.connect().get(20, TimeUnit.SECONDS);
        b.connect().get(20, TimeUnit.SECONDS);
        long hello = a.send(cid, "helo").get(20, TimeUnit.SECONDS).seq();
        b.react(cid, hello, THUMBS, false).get(20, TimeUnit.SECONDS);
        a.edit(cid, hello, "hello").get(20, TimeUnit.SECONDS);

        ChatMessage read = a.history(cid, null, 0L, 10).messages().getFirst();
        assertThat(read.body()).isEqualTo("hello");
        assertThat(read.editedAt()).isPositive();
        assertThat(read.reactions()).isEqualTo(Map.of(THUMBS, List.of(bob.userId())));
    }

    private ParleyClient client(Session s, Recorder r) {
        ParleyClient c = ParleyClient.builder(node.base(), s).listener(r).build();
        clients.add(c);
        return c;
    }
}
