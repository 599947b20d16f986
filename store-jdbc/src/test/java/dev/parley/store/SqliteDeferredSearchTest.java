package dev.parley.store;

import dev.parley.core.account.Account;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.search.SearchHit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Search with the hot log on and materialization deferred (test-only, {@link DeferredMaterialization}):
 * an acknowledged entry still waiting in the tail is found, as one SQLite holds but has not indexed is.
 */
class SqliteDeferredSearchTest {
    private static final long T0 = 1_767_225_600_000L;
    private static final UserId ALICE = new UserId(1);
    private static final UserId BOB = new UserId(2);
    private static final UserId CAROL = new UserId(3);
    private static final ConversationId DIRECT = new ConversationId(10);

    @TempDir
    Path dir;
    private SqliteDatabase db;
    private JdbcMessageStore messages;
    private JdbcSearchStore search;

    @BeforeEach
    void open() throws Exception {
        System.setProperty(JdbcSearchStore.INDEXING_PROPERTY, "hold");
        try {
            db = DeferredMaterialization.opening(() -> SqliteDatabase.open(dir, Durability.OS, 2, 64, true));
        } finally {
            System.clearProperty(JdbcSearchStore.INDEXING_PROPERTY);
        }
        JdbcAccountStore accounts = new JdbcAccountStore(db);
        for (UserId u : List.of(ALICE, BOB, CAROL)) {
            accounts.createAccount(new Account(u, "u" + u.value(), "h", false, Instant.ofEpochMilli(T0)));
        }
        new JdbcConversationStore(db).openDirect(DIRECT, ALICE, BOB, T0);
        messages = new JdbcMessageStore(db);
        search = new JdbcSearchStore(Shards.of(db));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void anAcknowledgedEntryInTheTailIsFound() {
        AppendResult r = Futures.await(messages.append(AppendRequest.text(DIRECT, ALICE, null, "c1", "Zebra crossing",
                T0 + 1)));
        long seq = ((AppendResult.Appended) r).message().seq();
        assertThat(db.tailViews().conversationsWithEntries()).as("still in the tail").isEqualTo(1);
        assertThat(search.search(BOB, null, List.of("zeb"), null, 50).stream().map(SearchHit::seq).toList())
                .containsExactly(seq);
        assertThat(search.search(CAROL, null, List.of("zeb"), null, 50)).as("not a member").isEmpty();
        assertThat(search.search(BOB, null, List.of("cross", "zebra"), null, 50)).hasSize(1);
        assertThat(search.search(BOB, null, List.of("lion"), null, 50)).isEmpty();
        // Once materialized and indexed, found once, from the index.
        Futures.await(db.write(0, s -> null, x -> { }));
        assertThat(db.tailViews().conversationsWithEntries()).isZero();
        db.indexSearchNow();
        assertThat(search.search(BOB, null, List.of("zeb"), null, 50).stream().map(SearchHit::seq).toList())
                .containsExactly(seq);
    }
}
