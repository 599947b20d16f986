package dev.parley.store;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.push.PendingPush;
import dev.parley.core.push.PushKey;
import dev.parley.core.push.PushStore.Settlement;
import dev.parley.core.push.PushTarget;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The push store on SQLite (and, in {@link PostgresPushStoreTest}, on PostgreSQL): targets,
 * mutes, coalescing upserts, claims, settlements and restart resolution.
 */
class JdbcPushStoreTest {
    private static final UserId BOB = new UserId(11);
    private static final DeviceId PHONE = new DeviceId(21);
    private static final ConversationId C = new ConversationId(31);
    private static final PushKey KEY = new PushKey(BOB, PHONE, C);

    @TempDir
    Path dir;
    private JdbcStores stores;
    private JdbcPushStore push;

    @BeforeEach
    void open() throws Exception {
        stores = openStores();
        push = new JdbcPushStore(stores.shards());
    }

    protected JdbcStores openStores() throws Exception {
        return JdbcStores.open(StorageSettings.sqlite(dir, Durability.OS, 2, 256));
    }

    @AfterEach
    void close() {
        if (stores != null) {
            stores.close();
        }
    }

    @Test
    void targetsAreOnePerDeviceAndReplaceable() {
        PushTarget.WebPush web = new PushTarget.WebPush("https://push.example/x", p256dh(), new byte[16]);
        push.setTarget(BOB, PHONE, web, 1);
        assertThat(push.target(BOB, PHONE)).contains(web);
        push.setTarget(BOB, PHONE, new PushTarget.Fcm("tok:1"), 2);
        assertThat(push.targets(List.of(BOB, new UserId(99)))).isEqualTo(Map.of(BOB, Map.of(PHONE, new PushTarget.Fcm("tok:1"))));
        assertThat(push.removeTarget(BOB, PHONE)).isTrue();
        assertThat(push.removeTarget(BOB, PHONE)).isFalse();
    }

    @Test
    void mutesArePerUserAndConversation() {
        assertThat(push.setMuted(C, BOB, true)).isTrue();
        assertThat(push.setMuted(C, BOB, true)).isFalse();
        assertThat(push.mutedIn(C)).containsExactly(BOB);
        assertThat(push.setMuted(C, BOB, false)).isTrue();
        assertThat(push.mutedIn(C)).isEmpty();
    }

    @Test
    void enqueuesCoalesceIntoOneRowCarryingTheNewestSeq() {
        push.enqueue(Map.of(KEY, 1L), 1000, 5000);
        push.enqueue(Map.of(KEY, 3L), 1001, 5000);
        push.enqueue(Map.of(KEY, 2L), 1002, 5000);
        assertThat(push.pending()).isEqualTo(1);
        assertThat(push.due(1000, 10)).containsExactly(new PendingPush(KEY, 3, 1000, 0));
    }

    @Test
    void aPushedSeqIsNeverPushedAgainAndTheNextWaitsForTheWindow() {
        push.enqueue(Map.of(KEY, 1L), 1000, 5000);
        PendingPush claimed = push.claim(KEY, 1000, 61_000, 0).orElseThrow();
        assertThat(push.claim(KEY, 1000, 61_000, 0)).as("leased").isEmpty();
        push.enqueue(Map.of(KEY, 2L), 1100, 5000); // arrives while the first is in flight
        push.settle(KEY, claimed.seq(), Settlement.PUSHED, 1200, 6200);
        assertThat(push.due(1200, 10)).isEmpty();
        assertThat(push.due(6200, 10)).extracting(PendingPush::seq).containsExactly(2L);

        push.enqueue(Map.of(KEY, 1L), 7000, 5000); // already pushed: ignored
        assertThat(push.due(7000, 10)).extracting(PendingPush::seq).containsExactly(2L);
        PendingPush second = push.claim(KEY, 7000, 67_000, 0).orElseThrow();
        push.settle(KEY, second.seq(), Settlement.PUSHED, 7000, 12_000);
        assertThat(push.pending()).isZero();
        push.enqueue(Map.of(KEY, 2L), 8000, 5000);
        assertThat(push.pending()).isZero();
        push.enqueue(Map.of(KEY, 3L), 8000, 5000); // new, due at the last push plus the window
        assertThat(push.due(12_000, 10)).containsExactly(new PendingPush(KEY, 3, 12_000, 0));
    }

    @Test
    void aRetryKeepsTheRowAndCountsAttempts() {
        push.enqueue(Map.of(KEY, 4L), 1000, 0);
        PendingPush first = push.claim(KEY, 1000, 61_000, 0).orElseThrow();
        assertThat(first.attempts()).isEqualTo(1);
        push.settle(KEY, 4, Settlement.RETRY, 1000, 3000);
        assertThat(push.due(2999, 10)).isEmpty();
        assertThat(push.claim(KEY, 3000, 63_000, 0).orElseThrow().attempts()).isEqualTo(2);
    }

    @Test
    void claimsLeftInFlightAreCountedAsPushedAtRestartOrWhenTheirLeaseRunsOut() {
        push.enqueue(Map.of(KEY, 5L), 1000, 0);
        push.claim(KEY, 1000, 61_000, 3).orElseThrow();
        assertThat(push.resolveAbandoned(4, 2000)).as("another node's claim").isZero();
        assertThat(push.resolveAbandoned(3, 2000)).isEqualTo(1);
        assertThat(push.pending()).isZero();

        PushKey other = new PushKey(BOB, new DeviceId(22), C);
        push.enqueue(Map.of(other, 5L), 1000, 0);
        push.claim(other, 1000, 5000, 7).orElseThrow();
        push.enqueue(Map.of(other, 6L), 1500, 0);
        // Node 7 never settles; after its lease the row is claimable, for seq 6 only.
        assertThat(push.claim(other, 4000, 9000, 8)).isEmpty();
        PendingPush taken = push.claim(other, 5001, 65_000, 8).orElseThrow();
        assertThat(taken.seq()).isEqualTo(6);
        assertThat(Set.of(taken.key())).containsExactly(other);
    }

    private static byte[] p256dh() {
        byte[] b = new byte[65];
        b[0] = 4;
        return b;
    }
}
