package dev.parley.sdk;

import dev.parley.protocol.ErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Two devices of two users doing what a chat does, against a real node. */
class ParleyClientWorkflowTest {
    private static final Duration PATIENCE = Duration.ofSeconds(20);

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

    @org.junit.jupiter.api.AfterEach
    void closeClients() {
        clients.forEach(ParleyClient::close);
    }

    private ParleyClient client(Session s, Recorder r) {
        ParleyClient c = ParleyClient.builder(node.base(), s).listener(r).build();
        clients.add(c);
        return c;
    }

    @Test
    void messagesReceiptsTypingAndPresenceFlowBetweenTwoUsers() throws Exception {
        Session alice = node.newUser("alice");
        Session bob = node.newUser("bob");
        Recorder aliceSees = new Recorder();
        Recorder bobSees = new Recorder();
        ParleyClient a = client(alice, aliceSees);
        ParleyClient b = client(bob, bobSees);

        Conversation direct = a.openDirect(bob.username());
        assertThat(b.openDirect(alice.userId()).conversationId()).isEqualTo(direct.conversationId());
        long cid = direct.conversationId();

        a.connect().get(20, TimeUnit.SECONDS);
        b.connect().get(20, TimeUnit.SECONDS);
        assertThat(a.state()).isEqualTo(ConnectionState.LIVE);
        assertThat(aliceSees.states).contains(ConnectionState.CONNECTING, ConnectionState.SYNCING, ConnectionState.LIVE);

        a.watch(List.of(bob.userId())).get(20, TimeUnit.SECONDS);
        await().atMost(PATIENCE).alias("presence " + aliceSees.presence).until(() -> aliceSees.presence.stream()
                .anyMatch(p -> p.userId() == bob.userId() && p.online()));

        SentMessage sent = a.send(cid, "hi bob").get(20, TimeUnit.SECONDS);
        assertThat(sent.seq()).isEqualTo(1);

        await().atMost(PATIENCE).until(() -> bobSees.in(cid).size() == 1);
        ChatMessage got = bobSees.in(cid).getFirst();
        assertThat(got.body()).isEqualTo("hi bob");
        assertThat(got.senderId()).isEqualTo(alice.userId());
        assertThat(got.senderDeviceId()).isEqualTo(alice.deviceId());
        assertThat(got.clientId()).isEqualTo(sent.clientId());
        assertThat(got.kind()).isEqualTo(EntryKind.TEXT);

        // Alice's own listener gets her message once, built from the confirmation.
        await().atMost(PATIENCE).until(() -> aliceSees.in(cid).size() == 1);
        assertThat(aliceSees.in(cid).getFirst().body()).isEqualTo("hi bob");
        assertThat(aliceSees.in(cid).getFirst().ts()).isEqualTo(sent.ts());

        // Bob's client confirms delivery by itself; Alice sees the receipt.
        await().atMost(PATIENCE).until(() -> aliceSees.hasReceipt(r ->
                r.conversationId() == cid && r.userId() == bob.userId() && r.delivered() == 1));
        b.markRead(cid, 1).get(20, TimeUnit.SECONDS);
        await().atMost(PATIENCE).until(() -> aliceSees.hasReceipt(r ->
                r.userId() == bob.userId() && r.read() == 1));

        b.typing(cid, true);
        await().atMost(PATIENCE).until(() -> aliceSees.typing.contains(cid + ":" + bob.userId() + ":true"));

        Conversation seen = a.conversation(cid);
        assertThat(seen.member(bob.userId()).read()).isEqualTo(1);
        assertThat(b.conversations(50, null).conversations())
                .anySatisfy(s -> {
                    assertThat(s.conversationId()).isEqualTo(cid);
                    assertThat(s.unread()).isZero();
                    assertThat(s.displayName()).isEqualTo(alice.username());
                    assertThat(s.lastMessage().body()).isEqualTo("hi bob");
                });

        b.close();
        await().atMost(PATIENCE).until(() -> aliceSees.presence.stream()
                .anyMatch(p -> p.userId() == bob.userId() && !p.online() && p.lastSeen() > 0));
        assertThat(aliceSees.callbacksOnManyThreads).isFalse();
        assertThat(bobSees.messages).hasSize(1);
    }

    @Test
    void groupsCarryTheirChangesAsEntries() throws Exception {
        Session owner = node.newUser("owner");
        Session ann = node.newUser("ann");
        Session ben = node.newUser("ben");
        Recorder ownerSees = new Recorder();
        Recorder annSees = new Recorder();
        ParleyClient o = client(owner, ownerSees);
        ParleyClient a = client(ann, annSees);
        o.connect().get(20, TimeUnit.SECONDS);
        a.connect().get(20, TimeUnit.SECONDS);

        Conversation group = o.createGroup("Climbing", List.of(ann.username()));
        long gid = group.conversationId();
        assertThat(group.kind()).isEqualTo(ConversationKind.GROUP);
        assertThat(group.member(owner.userId()).role()).isEqualTo(Role.OWNER);

        o.send(gid, "welcome").get(20, TimeUnit.SECONDS);
        o.addMembers(gid, List.of(ben.username()));
        o.rename(gid, "Bouldering");
        o.setRole(gid, ann.userId(), Role.ADMIN);
        a.send(gid, "thanks").get(20, TimeUnit.SECONDS);
        ChatMessage left = a.leave(gid);
        assertThat(left.kind()).isEqualTo(EntryKind.MEMBER_LEFT);

        List<EntryKind> expected = List.of(EntryKind.CREATED, EntryKind.TEXT, EntryKind.MEMBERS_ADDED,
                EntryKind.RENAMED, EntryKind.ROLE_CHANGED, EntryKind.TEXT, EntryKind.MEMBER_LEFT);
        await().atMost(PATIENCE).until(() -> annSees.in(gid).size() == expected.size()
                && ownerSees.in(gid).size() == expected.size());
        for (Recorder r : List.of(ownerSees, annSees)) {
            assertThat(r.in(gid)).extracting(ChatMessage::kind).isEqualTo(expected);
            assertThat(r.seqs(gid)).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        }
        ChatMessage created = annSees.in(gid).getFirst();
        assertThat(created.title()).isEqualTo("Climbing");
        assertThat(created.userIds()).containsExactly(owner.userId(), ann.userId());
        assertThat(annSees.in(gid).get(4).role()).isEqualTo(Role.ADMIN);

        HistoryPage page = o.history(gid, null, null, 50);
        assertThat(page.messages()).extracting(ChatMessage::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        HistoryPage older = o.history(gid, 4L, null, 2);
        assertThat(older.messages()).extracting(ChatMessage::seq).containsExactly(2L, 3L);
        assertThat(older.hasMore()).isTrue();
        HistoryPage newer = o.history(gid, null, 5L, 50);
        assertThat(newer.messages()).extracting(ChatMessage::seq).containsExactly(6L, 7L);

        // After leaving, the group is gone for Ann.
        assertThatThrownBy(() -> a.send(gid, "still here?").get(20, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ParleyException.class)
                .satisfies(e -> assertThat(((ParleyException) e.getCause()).code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void restRefusalsCarryTheirCodes() {
        Session s = node.newUser("carol");
        ParleyClient c = client(s, new Recorder());
        assertThat(c.me().userId()).isEqualTo(s.userId());
        assertThat(c.me().deviceId()).isEqualTo(s.deviceId());
        assertThat(c.devices()).singleElement().satisfies(d -> assertThat(d.current()).isTrue());

        assertThatThrownBy(() -> c.lookupUser("nobody-at-all"))
                .isInstanceOfSatisfying(ParleyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThatThrownBy(() -> ParleyClient.register(node.base(), s.username(), "another-password"))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.USERNAME_TAKEN));
        assertThatThrownBy(() -> ParleyClient.login(node.base(), s.username(), "wrong-password", null))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_CREDENTIALS));
        assertThatThrownBy(() -> c.openDirect(s.username()))
                .isInstanceOfSatisfying(ParleyException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_FIELD));
        assertThatThrownBy(() -> c.conversation(123456789L))
                .isInstanceOfSatisfying(ParleyException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
    }

    @Test
    void aLoggedOutDeviceStopsAndABadTokenIsRefused() throws Exception {
        Session s = node.newUser("dave");
        Recorder seen = new Recorder();
        ParleyClient c = client(s, seen);
        c.connect().get(20, TimeUnit.SECONDS);
        c.logout();
        await().atMost(PATIENCE).until(() -> c.state() == ConnectionState.LOGGED_OUT);
        assertThatThrownBy(() -> c.send(1, "late").get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(ParleyException.class);

        Recorder refused = new Recorder();
        ParleyClient bad = client(new Session("x".repeat(43), 1, 1, "nobody"), refused);
        assertThatThrownBy(() -> bad.connect().get(20, TimeUnit.SECONDS))
                .hasCauseInstanceOf(ParleyException.class);
        assertThat(bad.state()).isEqualTo(ConnectionState.AUTH_FAILED);
    }
}
