package dev.parley.store;

import dev.parley.core.account.Account;
import dev.parley.core.account.Device;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.message.AppendRequest;
import dev.parley.testkit.StoreContract;
import dev.parley.testkit.Stores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract on two PostgreSQL databases (shards), as a node with two URLs in
 * {@code storage.postgresUrls} opens them, and what the partitioning promises: every row of a
 * conversation on the conversation's shard, a user's rows on the user's, and data on both.
 */
class ShardedPostgresStoreContractTest extends StoreContract {
    private static List<String> urls;
    private static JdbcStores first;
    private static JdbcStores second;

    @BeforeAll
    static void openNode() throws Exception {
        String shard0 = PostgresTestSupport.freshDatabase("parley_test_shard0");
        String shard1 = PostgresTestSupport.freshDatabase("parley_test_shard1");
        if (shard0 != null && shard1 != null) {
            urls = List.of(shard0, shard1);
            first = JdbcStores.open(PostgresTestSupport.settings(urls, 2, 256));
        }
    }

    @AfterAll
    static void closeNodes() {
        PostgresTestSupport.closeAll(second, first);
        second = null;
        first = null;
    }

    @Override
    protected Stores openStores() {
        PostgresTestSupport.assumeReachable();
        urls.forEach(PostgresTestSupport::empty);
        return PostgresTestSupport.kept(first);
    }

    @Override
    protected Stores openSecondStores() throws Exception {
        if (second == null) {
            second = JdbcStores.open(PostgresTestSupport.settings(urls, 2, 256));
        }
        return PostgresTestSupport.kept(second);
    }

    private static Shards shards() {
        return first.shards();
    }

    private static String urlOf(long key) {
        return urls.get(shards().indexOf(key));
    }

    @Test
    void eachConversationLivesWhollyOnItsShardAndBothShardsHoldSome() throws Exception {
        UserId alice = newUser("alice");
        List<ConversationId> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            UserId peer = newUser("peer" + i);
            ConversationId d = direct(alice, peer);
            ConversationId g = group(peer, alice);
            all.add(d);
            all.add(g);
            for (int m = 0; m < 3; m++) {
                text(d, m % 2 == 0 ? alice : peer, "direct " + m);
                text(g, peer, "group " + m);
            }
        }

        for (int shard = 0; shard < 2; shard++) {
            String url = urls.get(shard);
            Map<Long, Long> conversationRows = PostgresTestSupport.rowsPer(url, "conversations", "id");
            Map<Long, Long> memberRows = PostgresTestSupport.rowsPer(url, "members", "conversation_id");
            Map<Long, Long> messageRows = PostgresTestSupport.rowsPer(url, "messages", "conversation_id");
            assertThat(messageRows).as("conversations with history on shard %d", shard).isNotEmpty();
            for (ConversationId c : all) {
                boolean home = shards().indexOf(c.value()) == shard;
                long entries = lastSeq(c);
                assertThat(conversationRows.getOrDefault(c.value(), 0L)).as("%s's row on shard %d", c, shard)
                        .isEqualTo(home ? 1L : 0L);
                assertThat(memberRows.getOrDefault(c.value(), 0L)).as("%s's members on shard %d", c, shard)
                        .isEqualTo(home ? 2L : 0L);
                assertThat(messageRows.getOrDefault(c.value(), 0L)).as("%s's history on shard %d", c, shard)
                        .isEqualTo(home ? entries : 0L);
            }
        }
        long total = 0;
        for (String url : urls) {
            total += PostgresTestSupport.counts(url).get("messages");
        }
        assertThat(total).isEqualTo(12 * 3 + 12 * 4);
    }

    @Test
    void usersUsernamesAndDirectPairsLiveOnTheirShards() throws Exception {
        List<UserId> users = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            UserId u = newUser("user" + i);
            users.add(u);
            accounts.createDevice(device(u, "phone", T0 + i), hash("token" + i));
        }
        for (int i = 1; i < users.size(); i++) {
            direct(users.get(i), users.get(i - 1));
        }

        for (int shard = 0; shard < 2; shard++) {
            String url = urls.get(shard);
            Map<Long, Long> userRows = PostgresTestSupport.rowsPer(url, "users", "id");
            Map<Long, Long> deviceRows = PostgresTestSupport.rowsPer(url, "devices", "user_id");
            Map<Long, Long> pairRows = PostgresTestSupport.rowsPer(url, "direct_pairs", "user_lo");
            for (int i = 0; i < users.size(); i++) {
                UserId u = users.get(i);
                boolean home = shards().indexOf(u.value()) == shard;
                assertThat(userRows.containsKey(u.value())).as("user %s on shard %d", u, shard).isEqualTo(home);
                assertThat(deviceRows.containsKey(u.value())).as("devices of %s on shard %d", u, shard).isEqualTo(home);
                assertThat(holderOf(url, "user" + i)).as("claim of user%d on shard %d", i, shard)
                        .isEqualTo(shards().indexOf(Shards.usernameKey("user" + i)) == shard ? u.value() : 0L);
            }
            for (int i = 1; i < users.size(); i++) {
                long lo = Math.min(users.get(i).value(), users.get(i - 1).value());
                assertThat(pairRows.containsKey(lo)).as("pair of %d on shard %d", lo, shard)
                        .isEqualTo(shards().indexOf(lo) == shard);
            }
            assertThat(userRows).as("users on shard %d", shard).isNotEmpty();
        }
        for (int i = 0; i < users.size(); i++) {
            UserId owner = users.get(i);
            assertThat(accounts.findDeviceByTokenHash(hash("token" + i)))
                    .hasValueSatisfying(d -> assertThat(d.userId()).isEqualTo(owner));
        }
    }

    @Test
    void aRegistrationThatLosesTheNameOnAnotherShardLeavesNoRowBehind() throws Exception {
        Account winner = account("alice");
        assertThat(accounts.createAccount(winner)).contains(winner);
        int nameShard = shards().indexOf(Shards.usernameKey("alice"));
        Account loser = account("alice");
        while (shards().indexOf(loser.id().value()) == nameShard) {
            loser = account("alice");
        }

        assertThat(accounts.createAccount(loser)).isEmpty();

        assertThat(accounts.findAccount(loser.id())).isEmpty();
        assertThat(accounts.findAccountByUsername("alice")).contains(winner);
        assertThat(PostgresTestSupport.rowsPer(urlOf(loser.id().value()), "users", "id")).doesNotContainKey(loser.id().value());
    }

    @Test
    void anUnfinishedRegistrationBlocksNothing() throws Exception {
        // A node died after writing the user's row on one shard and before claiming the name on the other.
        int nameShard = shards().indexOf(Shards.usernameKey("alice"));
        Account orphan = account("alice");
        while (shards().indexOf(orphan.id().value()) == nameShard) {
            orphan = account("alice");
        }
        try (Connection c = PostgresTestSupport.connect(urlOf(orphan.id().value()));
             PreparedStatement ps = c.prepareStatement("INSERT INTO users (id, username, password_hash, disabled,"
                     + " created_at) VALUES (?, 'alice', 'h', 0, 0)")) {
            ps.setLong(1, orphan.id().value());
            ps.executeUpdate();
        }
        assertThat(accounts.findAccountByUsername("alice")).isEmpty();

        Account alice = account("alice");
        while (shards().indexOf(alice.id().value()) != shards().indexOf(orphan.id().value())) {
            alice = account("alice");
        }
        assertThat(accounts.createAccount(alice)).as("the name on the orphan's shard").contains(alice);
        assertThat(accounts.findAccountByUsername("alice")).contains(alice);
    }

    @Test
    void openDirectFinishesAConversationWhoseNodeDiedAfterClaimingThePair() throws Exception {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId lo = alice.compareTo(bob) < 0 ? alice : bob;
        UserId hi = lo == alice ? bob : alice;
        ConversationId claimed = new ConversationId(nextId());
        try (Connection c = PostgresTestSupport.connect(urlOf(lo.value()));
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO direct_pairs (user_lo, user_hi, conversation_id) VALUES (?, ?, ?)")) {
            ps.setLong(1, lo.value());
            ps.setLong(2, hi.value());
            ps.setLong(3, claimed.value());
            ps.executeUpdate();
        }
        assertThat(conversations.find(claimed)).isEmpty();

        long now = tick();
        Conversation opened = conversations.openDirect(new ConversationId(nextId()), bob, alice, now);

        assertThat(opened).isEqualTo(new Conversation(claimed, ConversationKind.DIRECT, null, now, 0, now));
        assertThat(conversations.membership(claimed)).hasValueSatisfying(m ->
                assertThat(m.members()).containsExactlyInAnyOrder(alice, bob));
        assertThat(text(claimed, alice, "hello").seq()).isEqualTo(1);
    }

    @Test
    void touchDeviceReachesTheDeviceOnWhicheverShardHoldsIt() throws Exception {
        List<Device> devices = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            UserId u = newUser("user" + i);
            Device d = device(u, "phone", T0);
            accounts.createDevice(d, hash("t" + i));
            devices.add(d);
        }
        Instant later = Instant.ofEpochMilli(T0 + 60_000);

        devices.forEach(d -> accounts.touchDevice(d.id(), later));

        long deadline = System.nanoTime() + 10_000_000_000L;
        for (Device d : devices) {
            while (accounts.listDevices(d.userId()).getFirst().lastSeenAt().isBefore(later)) {
                assertThat(System.nanoTime()).as("touch of %s applied within 10 s", d.id()).isLessThan(deadline);
                Thread.sleep(10);
            }
            assertThat(first.accounts().lastSeen(d.userId())).isEqualTo(later.toEpochMilli());
        }
    }

    @Test
    void theHighestIssuedIdIsTheHighestOverEveryShard() {
        List<UserId> users = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            users.add(newUser("user" + i));
        }
        ConversationId last = direct(users.get(0), users.get(1));

        assertThat(first.highestIssuedId(0)).isEqualTo(last.value());
        assertThat(IssuedIds.highest(shards().get(shards().indexOf(last.value())), 0)).isEqualTo(last.value());
        assertThat(first.highestIssuedId(1)).isZero();
    }

    @Test
    void historiesOnBothShardsAreReadAndCountedWhereTheyLive() {
        UserId alice = newUser("alice");
        List<ConversationId> onShard = new ArrayList<>(List.of(new ConversationId(1), new ConversationId(1)));
        boolean[] found = new boolean[2];
        while (!found[0] || !found[1]) {
            ConversationId c = direct(alice, newUser("peer" + nextId()));
            int shard = shards().indexOf(c.value());
            if (!found[shard]) {
                found[shard] = true;
                onShard.set(shard, c);
            }
        }
        for (ConversationId c : onShard) {
            UserId peer = conversations.membership(c).orElseThrow().members().stream()
                    .filter(u -> !u.equals(alice)).findFirst().orElseThrow();
            for (int i = 1; i <= 5; i++) {
                messages.append(AppendRequest.text(c, i % 2 == 0 ? alice : peer, null, "c" + i, "m" + i, tick())).join();
            }
            assertThat(messages.range(c, 0, Long.MAX_VALUE, 10)).hasSize(5);
            assertThat(messages.before(c, Long.MAX_VALUE, Long.MAX_VALUE, 2)).hasSize(2);
            assertThat(messages.countUnread(c, alice, 0, Long.MAX_VALUE, 10)).isEqualTo(3);
        }
        assertThat(messages.deleteOlderThan(Long.MAX_VALUE)).isEqualTo(10);
    }

    private static long holderOf(String url, String username) throws SQLException {
        try (Connection c = PostgresTestSupport.connect(url);
             PreparedStatement ps = c.prepareStatement("SELECT user_id FROM usernames WHERE username = ?")) {
            ps.setString(1, username);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        }
    }
}
