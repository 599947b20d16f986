package dev.parley.server;

import dev.parley.protocol.ClientFrame;
import dev.parley.protocol.ServerFrame;
import dev.parley.server.support.Groups;
import dev.parley.server.support.Rest;
import dev.parley.server.support.TestNode;
import dev.parley.server.support.TestSocket;
import dev.parley.server.support.TestUser;
import dev.parley.store.Durability;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Group conversations over REST (docs/protocol.md, "create a group" and "Changing a group"):
 * creation with a title and members, adding, removing, leaving, renaming and role changes, each
 * an entry in the group's own sequence; the roles that decide who may do what; and every error
 * code these requests document, provoked one by one.
 */
class GroupLifecycleTest {
    /** The small maximum group size of the second node, for {@code group_full} and {@code too_large}. */
    static final int SMALL_MAX = 4;

    @TempDir
    static Path dataDir;
    @TempDir
    static Path smallDir;
    @AutoClose
    static TestNode node;
    @AutoClose
    static TestNode small;
    static Groups groups;

    @BeforeAll
    static void startNodes() throws Exception {
        // Durability is not what these tests are about; without fsync the 1,025 registrations are quick.
        node = TestNode.start(dataDir, TestNode.durability(Durability.OS));
        small = TestNode.start(smallDir, c -> c.withLimits(c.limits().withMaxGroupSize(SMALL_MAX)));
        groups = new Groups(node);
    }

    @Test
    void createAGroupWithATitleAndInitialMembers() {
        TestUser owner = node.newUser("owner");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        TestSocket bobSocket = bob.login("phone").connect();
        TestSocket ownerSocket = owner.login("laptop").connect();

        // Members named by username and by id in one request; the caller named again is ignored.
        Rest.Response r = groups.create(owner, new JsonObject().put("title", "Climbing")
                .put("usernames", new JsonArray().add(bob.username()).add(owner.username()))
                .put("userIds", new JsonArray().add(carol.userId()).add(bob.userId())));
        assertThat(r.status()).as("%s", r).isEqualTo(201);
        long c = r.getLong("conversationId");
        assertThat(r.json().getString("kind")).isEqualTo("group");
        assertThat(r.json().getString("title")).isEqualTo("Climbing");
        assertThat(r.getLong("lastSeq")).isEqualTo(1);
        assertThat(r.array("members")).hasSize(3);
        assertThat(Groups.roleIn(r, owner)).isEqualTo("owner");
        assertThat(Groups.roleIn(r, bob)).isEqualTo("member");
        assertThat(Groups.roleIn(r, carol)).isEqualTo("member");
        assertThat(Groups.memberIn(r, carol).getString("username")).isEqualTo(carol.username());

        // The history starts with `created` at seq 1: the title and every initial member, owner first.
        JsonArray history = groups.history(carol, c, "").array("messages");
        assertThat(history).hasSize(1);
        JsonObject created = history.getJsonObject(0);
        assertThat(created.getLong("seq")).isEqualTo(1L);
        assertThat(created.getString("kind")).isEqualTo("created");
        assertThat(created.getLong("senderId")).isEqualTo(owner.userId());
        assertThat(created.getString("title")).isEqualTo("Climbing");
        assertThat(created.getJsonArray("userIds").getList()).hasSize(3).first().isEqualTo(owner.userId());
        assertThat(created.getJsonArray("userIds").getList())
                .containsExactlyInAnyOrder(owner.userId(), bob.userId(), carol.userId());

        // Connected members (the owner's own devices included) receive the same entry live.
        for (TestSocket s : List.of(bobSocket, ownerSocket)) {
            ServerFrame.Message m = s.awaitFrame(ServerFrame.Message.class, x -> x.conversationId() == c);
            assertThat(m.seq()).isEqualTo(1);
            assertThat(m.kind()).isEqualTo("created");
            assertThat(m.title()).isEqualTo("Climbing");
            assertThat(m.userIds()).first().isEqualTo(owner.userId());
            assertThat(m.userIds()).containsExactlyInAnyOrder(owner.userId(), bob.userId(), carol.userId());
        }

        // Every member can read it; they can all send to it.
        for (TestUser u : List.of(owner, bob, carol)) {
            Rest.Response conv = groups.conversation(u, c);
            assertThat(conv.status()).isEqualTo(200);
            assertThat(conv.json().getString("title")).isEqualTo("Climbing");
        }
        assertThat(bobSocket.sendMessage(c, "hello-1", "hello group").seq()).isEqualTo(2);
        assertThat(ownerSocket.awaitFrame(ServerFrame.Message.class, x -> x.seq() == 2).body()).isEqualTo("hello group");
    }

    @Test
    void rolesDecideWhoMayAddRemoveAndRename() {
        TestUser owner = node.newUser("owner");
        TestUser admin = node.newUser("admin");
        TestUser admin2 = node.newUser("admintwo");
        TestUser m1 = node.newUser("member");
        TestUser m2 = node.newUser("member");
        TestUser outsider = node.newUser("outsider");
        TestUser late = node.newUser("late");
        long c = groups.createOk(owner, "Roles", admin, admin2, m1, m2);
        List<JsonObject> entries = new ArrayList<>();

        // Only the owner makes admins.
        assertForbidden(groups.setRole(m1, c, admin.userId(), "admin"));
        entries.add(groups.setRoleOk(owner, c, admin, "admin"));
        entries.add(groups.setRoleOk(owner, c, admin2, "admin"));
        assertForbidden(groups.setRole(admin, c, m1.userId(), "admin"));
        assertThat(entries.getFirst().getString("kind")).isEqualTo("role_changed");
        assertThat(entries.getFirst().getJsonArray("userIds").getList()).containsExactly(admin.userId());
        assertThat(entries.getFirst().getString("role")).isEqualTo("admin");
        assertThat(entries.getFirst().getLong("senderId")).isEqualTo(owner.userId());

        // A member may not add, remove (not even another member, let alone an admin) or rename.
        assertForbidden(groups.add(m1, c, outsider));
        assertForbidden(groups.remove(m1, c, m2.userId()));
        assertForbidden(groups.remove(m1, c, admin.userId()));
        assertForbidden(groups.remove(m1, c, owner.userId()));
        assertForbidden(groups.rename(m1, c, "Mine now"));

        // An admin adds, renames and removes members, but not admins or the owner.
        JsonObject added = groups.addOk(admin, c, outsider);
        entries.add(added);
        assertThat(added.getString("kind")).isEqualTo("members_added");
        assertThat(added.getJsonArray("userIds").getList()).containsExactly(outsider.userId());
        assertThat(added.getString("role")).isEqualTo("member");
        assertThat(added.getLong("senderId")).isEqualTo(admin.userId());
        JsonObject renamed = groups.renameOk(admin, c, "Roles, renamed");
        entries.add(renamed);
        assertThat(renamed.getString("kind")).isEqualTo("renamed");
        assertThat(renamed.getString("title")).isEqualTo("Roles, renamed");
        assertForbidden(groups.remove(admin, c, admin2.userId()));
        assertForbidden(groups.remove(admin, c, owner.userId()));
        JsonObject removed = groups.removeOk(admin, c, m2);
        entries.add(removed);
        assertThat(removed.getString("kind")).isEqualTo("member_removed");
        assertThat(removed.getJsonArray("userIds").getList()).containsExactly(m2.userId());
        assertThat(removed.getLong("senderId")).isEqualTo(admin.userId());

        // The owner demotes and removes admins; a demoted admin loses the rights at once.
        entries.add(groups.setRoleOk(owner, c, admin2, "member"));
        assertForbidden(groups.add(admin2, c, late));
        assertForbidden(groups.rename(admin2, c, "Nope"));
        entries.add(groups.removeOk(owner, c, admin));
        entries.add(groups.addOk(owner, c, late));

        // Everyone may leave, a plain member included.
        Rest.Response left = groups.leave(m1, c);
        assertThat(left.status()).as("%s", left).isEqualTo(200);
        entries.add(left.json());
        assertThat(left.json().getString("kind")).isEqualTo("member_left");
        assertThat(left.json().getJsonArray("userIds").getList()).containsExactly(m1.userId());
        assertThat(left.json().getLong("senderId")).isEqualTo(m1.userId());

        // Every change is an entry in the group's sequence: consecutive seqs after `created`, and
        // the answers are exactly the entries the history holds.
        assertThat(entries).extracting(e -> e.getLong("seq")).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        JsonArray history = groups.history(owner, c, "").array("messages");
        assertThat(history).hasSize(10);
        for (int i = 0; i < entries.size(); i++) {
            assertThat(history.getJsonObject(i + 1)).isEqualTo(entries.get(i));
        }

        Rest.Response conv = groups.conversation(owner, c);
        assertThat(conv.json().getString("title")).isEqualTo("Roles, renamed");
        assertThat(conv.getLong("lastSeq")).isEqualTo(10);
        assertThat(conv.array("members")).extracting(o -> ((JsonObject) o).getLong("userId"))
                .containsExactlyInAnyOrder(owner.userId(), admin2.userId(), outsider.userId(), late.userId());
        assertThat(Groups.roleIn(conv, owner)).isEqualTo("owner");
        assertThat(Groups.roleIn(conv, admin2)).isEqualTo("member");
        assertThat(Groups.roleIn(conv, outsider)).isEqualTo("member");
        // Those who left or were removed no longer see the conversation.
        for (TestUser gone : List.of(admin, m1, m2)) {
            assertNotFound(groups.conversation(gone, c));
        }
    }

    @Test
    void theOwnerLeavingPassesOwnershipToTheLongestStandingAdminElseMember() {
        TestUser owner = node.newUser("owner");
        TestUser first = node.newUser("first");
        TestUser second = node.newUser("second");
        TestUser third = node.newUser("third");
        long c = groups.createOk(owner, "Succession", first, second, third);
        groups.setRoleOk(owner, c, third, "admin");

        // An admin takes over before any longer-standing plain member.
        Rest.Response left = groups.leave(owner, c);
        assertThat(left.status()).as("%s", left).isEqualTo(200);
        assertThat(left.json().getString("kind")).isEqualTo("member_left");
        assertThat(left.json().getJsonArray("userIds").getList()).containsExactly(owner.userId(), third.userId());
        Rest.Response conv = groups.conversation(third, c);
        assertThat(Groups.roleIn(conv, third)).isEqualTo("owner");
        assertThat(Groups.roleIn(conv, owner)).isNull();

        // With no admin left, the longest-standing member takes over.
        Rest.Response left2 = groups.leave(third, c);
        assertThat(left2.json().getJsonArray("userIds").getList()).containsExactly(third.userId(), first.userId());
        assertThat(Groups.roleIn(groups.conversation(first, c), first)).isEqualTo("owner");
        // The new owner has the owner's rights.
        assertThat(groups.setRoleOk(first, c, second, "admin").getString("kind")).isEqualTo("role_changed");
    }

    // ---- documented refusals ---------------------------------------------------------------

    @Test
    void forbiddenForARoleThatDoesNotAllowTheChange() {
        TestUser owner = node.newUser("owner");
        TestUser admin = node.newUser("admin");
        TestUser member = node.newUser("member");
        TestUser other = node.newUser("other");
        long c = groups.createOk(owner, "Forbidden", admin, member);
        groups.setRoleOk(owner, c, admin, "admin");
        long before = groups.conversation(owner, c).getLong("lastSeq");

        assertForbidden(groups.add(member, c, other));
        assertForbidden(groups.remove(member, c, admin.userId()));
        assertForbidden(groups.rename(member, c, "x"));
        assertForbidden(groups.setRole(member, c, member.userId(), "admin"));
        assertForbidden(groups.setRole(admin, c, member.userId(), "admin"));
        assertForbidden(groups.remove(admin, c, owner.userId()));
        // A refused change leaves no entry.
        assertThat(groups.conversation(owner, c).getLong("lastSeq")).isEqualTo(before);
    }

    @Test
    void conflictWhenEveryUserNamedIsAlreadyAMember() {
        TestUser owner = node.newUser("owner");
        TestUser bob = node.newUser("bob");
        TestUser carol = node.newUser("carol");
        long c = groups.createOk(owner, "Conflict", bob);
        Rest.Response r = groups.add(owner, c, bob);
        assertThat(r.status()).as("%s", r).isEqualTo(409);
        assertThat(r.errorCode()).isEqualTo("conflict");
        Rest.Response self = groups.add(owner, c, owner, bob);
        assertThat(self.errorCode()).isEqualTo("conflict");
        // Naming a member together with a new user adds only the new one.
        JsonObject added = groups.addOk(owner, c, bob, carol);
        assertThat(added.getJsonArray("userIds").getList()).containsExactly(carol.userId());
        assertThat(groups.conversation(owner, c).getLong("lastSeq")).isEqualTo(2);
    }

    @Test
    void notFoundForNonMembersExactlyAsForNoSuchConversation() {
        TestUser owner = node.newUser("owner");
        TestUser bob = node.newUser("bob");
        TestUser stranger = node.newUser("stranger");
        long c = groups.createOk(owner, "Private", bob);
        long missing = c + 1_000_000;

        for (long id : new long[] {c, missing}) {
            assertNotFound(groups.conversation(stranger, id));
            assertNotFound(groups.history(stranger, id, ""));
            assertNotFound(groups.add(stranger, id, stranger));
            assertNotFound(groups.remove(stranger, id, bob.userId()));
            assertNotFound(groups.leave(stranger, id));
            assertNotFound(groups.rename(stranger, id, "Mine"));
            assertNotFound(groups.setRole(stranger, id, bob.userId(), "admin"));
        }
        // Over the WebSocket: send, read, delivered, typing.
        TestSocket s = stranger.login("ws").connect();
        s.send(new ClientFrame.Send("s1", "nf-1", c, "let me in"));
        assertWsNotFound(s.awaitError("s1"), "send", c);
        s.send(new ClientFrame.Read("s2", c, 1));
        assertWsNotFound(s.awaitError("s2"), "read", c);
        s.send(new ClientFrame.Delivered("s3", c, 1));
        assertWsNotFound(s.awaitError("s3"), "delivered", c);
        s.send(new ClientFrame.Typing("s4", c, true));
        assertWsNotFound(s.awaitError("s4"), "typing", c);
        assertThat(groups.conversation(owner, c).getLong("lastSeq")).as("nothing was written").isEqualTo(1);

        // Users and members that do not exist.
        Rest.Response unknownUser = groups.create(owner, new JsonObject().put("title", "x")
                .put("usernames", new JsonArray().add(bob.username()).add("no_such_user_" + c)));
        assertNotFound(unknownUser);
        assertNotFound(groups.addIds(owner, c, List.of(missing)));
        assertNotFound(node.rest().post("/v1/conversations/" + c + "/members", owner.restDevice().token(),
                new JsonObject().put("usernames", new JsonArray().add("no_such_user_" + c))));
        assertNotFound(groups.remove(owner, c, stranger.userId()));
        assertNotFound(groups.setRole(owner, c, stranger.userId(), "admin"));
        assertThat(groups.conversation(owner, c).getLong("lastSeq")).isEqualTo(1);
    }

    @Test
    void invalidFieldForABadTitleOrRole() {
        TestUser owner = node.newUser("owner");
        TestUser bob = node.newUser("bob");
        for (String bad : new String[] {"", "   ", "t".repeat(129)}) {
            assertInvalid(groups.create(owner, bad, bob), "title '" + bad + "'");
        }
        assertInvalid(groups.create(owner, new JsonObject().put("title", 42).put("usernames",
                new JsonArray().add(bob.username()))), "numeric title");
        assertInvalid(groups.create(owner, new JsonObject().put("title", "ok").put("usernames", "bob")),
                "usernames not an array");
        assertInvalid(groups.create(owner, new JsonObject().put("title", "ok").put("userIds",
                new JsonArray().add("abc"))), "userIds holding a string");
        Rest.Response longest = groups.create(owner, "t".repeat(128), bob);
        assertThat(longest.status()).as("a 128-character title is allowed: %s", longest).isEqualTo(201);

        long c = groups.createOk(owner, "Titles", bob);
        for (String bad : new String[] {"", "  ", "t".repeat(129)}) {
            assertInvalid(groups.rename(owner, c, bad), "rename to '" + bad + "'");
        }
        assertInvalid(groups.rename(owner, c, new JsonObject().put("title", true)), "boolean title");
        for (String role : new String[] {"owner", "boss", ""}) {
            assertInvalid(groups.setRole(owner, c, bob.userId(), role), "role '" + role + "'");
        }
        assertThat(groups.conversation(owner, c).getLong("lastSeq")).as("no entry for a refused change").isEqualTo(1);
        assertThat(groups.conversation(owner, c).json().getString("title")).isEqualTo("Titles");

        // A direct conversation's members cannot change.
        long direct = owner.directWith(bob);
        TestUser carol = node.newUser("carol");
        assertInvalid(groups.add(owner, direct, carol), "adding to a direct conversation");
        assertInvalid(groups.remove(owner, direct, bob.userId()), "removing from a direct conversation");
        assertInvalid(groups.leave(owner, direct), "leaving a direct conversation");
    }

    @Test
    void groupFullAndTooLargeWithASmallMaximumGroupSize() {
        Groups smallGroups = new Groups(small);
        TestUser owner = small.newUser("owner");
        List<TestUser> users = IntStream.range(0, SMALL_MAX + 1).mapToObj(i -> small.newUser("u" + i)).toList();

        // More users in one request than a group may hold: too_large.
        Rest.Response tooMany = smallGroups.create(owner, "Big", users.toArray(TestUser[]::new));
        assertThat(tooMany.status()).as("%s", tooMany).isEqualTo(413);
        assertThat(tooMany.errorCode()).isEqualTo("too_large");
        // Not more than the maximum in the request, but with the owner one too many: group_full.
        Rest.Response full = smallGroups.create(owner, "Big", users.subList(0, SMALL_MAX).toArray(TestUser[]::new));
        assertThat(full.status()).as("%s", full).isEqualTo(409);
        assertThat(full.errorCode()).isEqualTo("group_full");

        // Exactly the maximum is fine; one more is group_full, whether one at a time or together.
        long c = smallGroups.createOk(owner, "Small", users.get(0), users.get(1));
        Rest.Response twoMore = smallGroups.add(owner, c, users.get(2), users.get(3));
        assertThat(twoMore.status()).isEqualTo(409);
        assertThat(twoMore.errorCode()).isEqualTo("group_full");
        smallGroups.addOk(owner, c, users.get(2));
        assertThat(smallGroups.conversation(owner, c).array("members")).hasSize(SMALL_MAX);
        Rest.Response oneMore = smallGroups.add(owner, c, users.get(3));
        assertThat(oneMore.status()).isEqualTo(409);
        assertThat(oneMore.errorCode()).isEqualTo("group_full");
        Rest.Response tooManyToAdd = smallGroups.add(owner, c, users.toArray(TestUser[]::new));
        assertThat(tooManyToAdd.errorCode()).isEqualTo("too_large");
        assertThat(smallGroups.conversation(owner, c).getLong("lastSeq")).isEqualTo(2);

        // After someone leaves there is room again.
        assertThat(smallGroups.leave(users.get(0), c).status()).isEqualTo(200);
        assertThat(smallGroups.add(owner, c, users.get(3)).status()).isEqualTo(200);
    }

    /** Without configuration a group holds 1,024 members: the 1,025th is refused. */
    @Test
    void theDefaultMaximumGroupSizeIs1024() throws Exception {
        TestUser owner = node.newUser("bigowner");
        List<TestUser> users = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            List<Future<TestUser>> futures = new ArrayList<>();
            for (int i = 0; i < 1024; i++) {
                futures.add(pool.submit(() -> TestUser.register(node, "crowd")));
            }
            for (Future<TestUser> f : futures) {
                users.add(f.get());
            }
        }
        List<Long> ids = users.stream().map(TestUser::userId).toList();
        Rest.Response full = groups.create(owner, new JsonObject().put("title", "Crowd")
                .put("userIds", new JsonArray(ids)));
        assertThat(full.status()).as("owner + 1,024 others").isEqualTo(409);
        assertThat(full.errorCode()).isEqualTo("group_full");

        Rest.Response created = groups.create(owner, new JsonObject().put("title", "Crowd")
                .put("userIds", new JsonArray(ids.subList(0, 1023))));
        assertThat(created.status()).as("owner + 1,023 others: %s", created.status()).isEqualTo(201);
        long c = created.getLong("conversationId");
        assertThat(created.array("members")).hasSize(1024);
        Rest.Response oneMore = groups.addIds(owner, c, List.of(ids.get(1023)));
        assertThat(oneMore.status()).isEqualTo(409);
        assertThat(oneMore.errorCode()).isEqualTo("group_full");
    }

    // ---- helpers -----------------------------------------------------------------------------

    static void assertForbidden(Rest.Response r) {
        assertThat(r.status()).as("%s", r).isEqualTo(403);
        assertThat(r.errorCode()).isEqualTo("forbidden");
    }

    static void assertNotFound(Rest.Response r) {
        assertThat(r.status()).as("%s", r).isEqualTo(404);
        assertThat(r.errorCode()).isEqualTo("not_found");
    }

    static void assertInvalid(Rest.Response r, String what) {
        assertThat(r.status()).as("%s: %s", what, r).isEqualTo(400);
        assertThat(r.errorCode()).as("%s: %s", what, r).isEqualTo("invalid_field");
    }

    static void assertWsNotFound(ServerFrame.Error e, String request, long conversationId) {
        assertThat(e.code()).as("%s", e).isEqualTo("not_found");
        assertThat(e.request()).isEqualTo(request);
        assertThat(e.conversationId()).isEqualTo(conversationId);
    }
}
