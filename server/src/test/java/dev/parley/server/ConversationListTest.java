package dev.parley.server;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Groups;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conversation list (docs/protocol.md, {@code GET /v1/conversations}): the caller's
 * conversations, most recent activity first, each with its last message, unread count (text
 * messages from others after the caller's read position, capped at 999) and, for a direct
 * conversation, the peer; paginated by cursor.
 *
 * <p>Between steps whose order the list must show, the test lets the clock move on by a few
 * milliseconds, so that no two activities share a timestamp.
 */
class ConversationListTest {
    @TempDir
    static Path dataDir;
    @AutoClose
    static TestNode node;
    static Groups groups;

    @BeforeAll
    static void startNode() throws Exception {
        node = TestNode.start(dataDir);
        groups = new Groups(node);
    }

    @Test
    void mostRecentActivityFirstWithLastMessageUnreadCountsAndPeer() throws Exception {
        TestUser me = node.newUser("me");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        TestUser dave = node.newUser("dave");

        // Created in one order...
        long group = groups.createOk(bob, "Climbing", me, carol);
        tick();
        long withCarol = me.directWith(carol);
        tick();
        long withBob = me.directWith(bob);
        tick();
        long withDave = me.directWith(dave);
        tick();

        TestSocket meSocket = me.login("phone").connect();
        TestSocket bobSocket = bob.login("phone").connect();
        TestSocket carolSocket = carol.login("phone").connect();

        // ...active in another. With bob: 3 from him, 2 from me; I read up to his second.
        for (int i = 1; i <= 3; i++) {
            bobSocket.sendMessage(withBob, "b" + i, "bob " + i);
        }
        meSocket.sendMessage(withBob, "m1", "me 1");
        meSocket.sendMessage(withBob, "m2", "me 2");
        read(meSocket, withBob, 2);
        tick();
        // In the group: 2 from bob, 1 from me, 2 from carol; I read up to mine; bob renames.
        bobSocket.sendMessage(group, "gb1", "bob in group 1");
        bobSocket.sendMessage(group, "gb2", "bob in group 2");
        meSocket.sendMessage(group, "gm1", "me in group");
        carolSocket.sendMessage(group, "gc1", "carol in group 1");
        carolSocket.sendMessage(group, "gc2", "carol in group 2");
        read(meSocket, group, 4);
        groups.renameOk(bob, group, "Bouldering");
        tick();
        // Carol, directly: one message.
        carolSocket.sendMessage(withCarol, "c1", "hi from carol");

        List<JsonObject> list = entries(groups.list(me, ""));
        assertThat(list).extracting(e -> e.getLong("conversationId"))
                .containsExactly(withCarol, group, withBob, withDave);
        assertActivityOrder(list);

        JsonObject carolLine = list.get(0);
        assertThat(carolLine.getString("kind")).isEqualTo("direct");
        assertThat(carolLine.getValue("title")).isNull();
        assertThat(carolLine.getLong("lastSeq")).isEqualTo(1L);
        assertThat(carolLine.getInteger("unread")).isEqualTo(1);
        assertThat(carolLine.getJsonObject("peer"))
                .isEqualTo(new JsonObject().put("userId", carol.userId()).put("username", carol.username())
                        .put("displayName", carol.username()).putNull("status").putNull("avatar").put("deleted", false));
        assertThat(carolLine.getJsonObject("lastMessage")).isEqualTo(lastEntry(me, withCarol));
        assertThat(carolLine.getJsonObject("lastMessage").getString("body")).isEqualTo("hi from carol");

        JsonObject groupLine = list.get(1);
        assertThat(groupLine.getString("kind")).isEqualTo("group");
        assertThat(groupLine.getString("title")).isEqualTo("Bouldering");
        assertThat(groupLine.getString("role")).isEqualTo("member");
        assertThat(groupLine.getLong("lastSeq")).isEqualTo(7L);
        assertThat(groupLine.getLong("read")).isEqualTo(4L);
        assertThat(groupLine.getLong("delivered")).isEqualTo(4L);
        assertThat(groupLine.getInteger("unread")).as("carol's two; the rename is not a message").isEqualTo(2);
        assertThat(groupLine.containsKey("peer")).as("no peer in a group").isFalse();
        assertThat(groupLine.getJsonObject("lastMessage")).isEqualTo(lastEntry(me, group));
        assertThat(groupLine.getJsonObject("lastMessage").getString("kind")).isEqualTo("renamed");

        JsonObject bobLine = list.get(2);
        assertThat(bobLine.getLong("lastSeq")).isEqualTo(5L);
        assertThat(bobLine.getLong("read")).isEqualTo(2L);
        assertThat(bobLine.getInteger("unread")).as("bob's third; my own never count").isEqualTo(1);
        assertThat(bobLine.getJsonObject("peer").getLong("userId")).isEqualTo(bob.userId());
        assertThat(bobLine.getJsonObject("peer").getString("username")).isEqualTo(bob.username());
        assertThat(bobLine.getJsonObject("lastMessage").getString("body")).isEqualTo("me 2");

        JsonObject daveLine = list.get(3);
        assertThat(daveLine.getLong("lastSeq")).isEqualTo(0L);
        assertThat(daveLine.getInteger("unread")).isZero();
        assertThat(daveLine.getValue("lastMessage")).as("an empty conversation has no last message").isNull();
        assertThat(daveLine.getJsonObject("peer").getLong("userId")).isEqualTo(dave.userId());

        // The same conversations seen by bob: his own messages never count as unread.
        List<JsonObject> bobs = entries(groups.list(bob, ""));
        assertThat(bobs).extracting(e -> e.getLong("conversationId")).containsExactly(group, withBob);
        assertThat(bobs.get(0).getInteger("unread")).as("mine, carol's two").isEqualTo(3);
        assertThat(bobs.get(0).getString("role")).isEqualTo("owner");
        assertThat(bobs.get(1).getInteger("unread")).as("my two in the direct conversation").isEqualTo(2);
        assertThat(bobs.get(1).getJsonObject("peer").getLong("userId")).isEqualTo(me.userId());

        // Reading everything (on another device) clears the counts; a new message from bob moves
        // that conversation to the top with one unread.
        TestSocket laptop = me.login("laptop").connect();
        read(laptop, withCarol, 1);
        read(laptop, group, 7);
        tick();
        bobSocket.sendMessage(withBob, "b4", "bob 4");
        List<JsonObject> after = entries(groups.list(me, ""));
        assertThat(after).extracting(e -> e.getLong("conversationId"))
                .containsExactly(withBob, withCarol, group, withDave);
        assertThat(after).extracting(e -> e.getInteger("unread")).containsExactly(2, 0, 0, 0);
        assertThat(after.get(0).getJsonObject("lastMessage").getString("body")).isEqualTo("bob 4");
        read(laptop, withBob, 6);
        assertThat(entries(groups.list(me, ""))).extracting(e -> e.getInteger("unread")).containsExactly(0, 0, 0, 0);
    }

    @Test
    void pagesFollowTheCursorWithNothingMissingOrRepeated() {
        TestUser me = node.newUser("pager");
        List<Long> ids = new ArrayList<>();
        // Created back to back: several may share a millisecond; the cursor must still be exact.
        for (int i = 0; i < 7; i++) {
            ids.add(me.directWith(node.newUser("peer")));
        }
        List<JsonObject> all = entries(groups.list(me, "limit=50"));
        assertThat(all).extracting(e -> e.getLong("conversationId")).containsExactlyInAnyOrderElementsOf(ids);
        assertActivityOrder(all);

        List<Long> paged = new ArrayList<>();
        String cursor = null;
        List<Integer> sizes = new ArrayList<>();
        do {
            Rest.Response page = groups.list(me, "limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
            assertThat(page.status()).as("%s", page).isEqualTo(200);
            List<JsonObject> entries = entries(page);
            sizes.add(entries.size());
            entries.forEach(e -> paged.add(e.getLong("conversationId")));
            cursor = page.json().getString("nextCursor");
        } while (cursor != null && sizes.size() < 10);
        assertThat(sizes).containsExactly(3, 3, 1);
        assertThat(paged).as("the pages, in order, are the whole list")
                .containsExactlyElementsOf(all.stream().map(e -> e.getLong("conversationId")).toList());
        assertThat(new HashSet<>(paged)).hasSize(7);

        Rest.Response exact = groups.list(me, "limit=7");
        assertThat(entries(exact)).hasSize(7);
        assertThat(exact.json().getValue("nextCursor")).as("no further page").isNull();
        assertThat(exact.json().containsKey("nextCursor")).isTrue();

        for (String bad : List.of("limit=0", "limit=201", "limit=abc", "cursor=garbage", "limit=-1")) {
            Rest.Response r = groups.list(me, bad);
            assertThat(r.status()).as("%s: %s", bad, r).isEqualTo(400);
            assertThat(r.errorCode()).as("%s", bad).isEqualTo("invalid_field");
        }
        Rest.Response max = groups.list(me, "limit=200");
        assertThat(max.status()).isEqualTo(200);
        // Nobody else's conversations.
        TestUser other = node.newUser("other");
        assertThat(entries(groups.list(other, ""))).isEmpty();
    }

    @Test
    void unreadCountsStopAt999() throws Exception {
        TestUser me = node.newUser("reader");
        TestUser chatty = node.newUser("chatty");
        long c = me.directWith(chatty);
        // 1,000 messages: five devices, each within its burst allowance of 200.
        try (ExecutorService pool = Executors.newFixedThreadPool(5)) {
            List<Future<?>> done = new ArrayList<>();
            for (int d = 0; d < 5; d++) {
                TestSocket s = chatty.login("d" + d).connect();
                int device = d;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        s.send(new ClientFrame.Send(null, "d" + device + "-" + i, c, "message " + i));
                    }
                    s.awaitFrame(ServerFrame.Sent.class, x -> x.clientId().equals("d" + device + "-199"));
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        JsonObject line = entries(groups.list(me, "")).getFirst();
        assertThat(line.getLong("lastSeq")).isEqualTo(1000L);
        assertThat(line.getInteger("unread")).isEqualTo(999);
        TestSocket s = me.login("phone").connect();
        read(s, c, 1);
        assertThat(entries(groups.list(me, "")).getFirst().getInteger("unread")).isEqualTo(999);
        read(s, c, 2);
        assertThat(entries(groups.list(me, "")).getFirst().getInteger("unread")).isEqualTo(998);
        read(s, c, 1000);
        assertThat(entries(groups.list(me, "")).getFirst().getInteger("unread")).isZero();
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** Lets the node's clock move past the current millisecond. */
    private static void tick() throws InterruptedException {
        Thread.sleep(5);
    }

    private static void read(TestSocket s, long c, long seq) {
        String rid = "read-" + c + "-" + seq;
        s.send(new ClientFrame.Read(rid, c, seq));
        s.awaitFrame(ServerFrame.Ok.class, o -> rid.equals(o.rid()));
    }

    static List<JsonObject> entries(Rest.Response page) {
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        JsonArray arr = page.array("conversations");
        List<JsonObject> out = new ArrayList<>();
        for (int i = 0; i < arr.size(); i++) {
            out.add(arr.getJsonObject(i));
        }
        return out;
    }

    private static JsonObject lastEntry(TestUser user, long c) {
        JsonArray msgs = groups.history(user, c, "limit=1").array("messages");
        return msgs.getJsonObject(msgs.size() - 1);
    }

    private static void assertActivityOrder(List<JsonObject> list) {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            assertThat(seen.add(list.get(i).getLong("conversationId"))).isTrue();
            if (i > 0) {
                assertThat(list.get(i).getLong("lastActivityAt"))
                        .isLessThanOrEqualTo(list.get(i - 1).getLong("lastActivityAt"));
            }
        }
    }
}
