package dev.parley.store;

import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.testkit.MessageActionContract;
import dev.parley.testkit.Stores;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The message-action contract on one PostgreSQL database of its own, opened as a node opens it;
 * the node stays up for the class and the tables are emptied before each test.
 */
class PostgresMessageActionContractTest extends MessageActionContract {
    private static String url;
    private static JdbcStores node;

    @BeforeAll
    static void openNode() throws Exception {
        url = PostgresTestSupport.freshDatabase("parley_test_actions");
        if (url != null) {
            node = JdbcStores.open(PostgresTestSupport.settings(List.of(url), PostgresDatabase.DEFAULT_LANES, 256));
        }
    }

    @AfterAll
    static void closeNode() {
        PostgresTestSupport.closeAll(node);
        node = null;
    }

    @Override
    protected Stores openStores() {
        PostgresTestSupport.assumeReachable();
        PostgresTestSupport.empty(url);
        return PostgresTestSupport.kept(node);
    }

    /**
     * Two nodes on one database reacting to one message at once: of four emoji bob puts on it from
     * both nodes, exactly the per-person limit is stored, of the same emoji added from both, one,
     * and the seqs stay dense. What makes this hold when both decide at the same instant is the
     * lock on the conversation's row taken before deciding (ActionRows.check); this test shows
     * the outcome under concurrency, it cannot force that instant every time.
     */
    @Test
    void twoNodesReactingAtOnceKeepTheLimitAndAddAnEmojiOnce() throws Exception {
        PostgresTestSupport.assumeReachable();
        try (JdbcStores other = JdbcStores.open(PostgresTestSupport.settings(List.of(url), PostgresDatabase.DEFAULT_LANES,
                256))) {
            dev.parley.core.account.UserId alice = user("alice");
            dev.parley.core.account.UserId bob = user("bob");
            dev.parley.core.conversation.ConversationId c = direct(alice, bob);
            long target = text(c, alice, "react to me").seq();
            List<String> emoji = List.of(THUMBS, HEART, "\uD83D\uDE02", "\uD83D\uDE2E");
            List<java.util.concurrent.CompletableFuture<AppendResult>> results = new java.util.ArrayList<>();
            for (int i = 0; i < emoji.size(); i++) {
                dev.parley.core.message.MessageStore store = i % 2 == 0 ? node.messages() : other.messages();
                results.add(store.append(AppendRequest.reaction(c, bob, device(bob), "b-" + i, target, emoji.get(i),
                        true, tick(), -1)));
            }
            results.add(node.messages().append(AppendRequest.reaction(c, alice, device(alice), "a-1", target, THUMBS,
                    true, tick(), -1)));
            results.add(other.messages().append(AppendRequest.reaction(c, alice, device(alice), "a-2", target, THUMBS,
                    true, tick(), -1)));
            List<AppendResult> done = new java.util.ArrayList<>();
            for (var f : results) {
                done.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(done.subList(0, 4)).filteredOn(r -> r instanceof AppendResult.Appended).hasSize(3);
            assertThat(done.subList(0, 4)).filteredOn(r -> r instanceof AppendResult.Refused).hasSize(1);
            assertThat(done.subList(4, 6)).filteredOn(r -> r instanceof AppendResult.Appended).hasSize(1);
            assertThat(done.subList(4, 6)).filteredOn(r -> r instanceof AppendResult.Unchanged).hasSize(1);
            assertThat(storedReactions()).isEqualTo(4);
            assertThat(node.messages().range(c, 0, Long.MAX_VALUE, 100)).extracting(m -> m.seq())
                    .containsExactly(1L, 2L, 3L, 4L, 5L);
        }
    }

    @Override
    protected long storedReactions() throws Exception {
        try (Connection db = PostgresTestSupport.connect(url);
             ResultSet rs = db.createStatement().executeQuery("SELECT count(*) FROM reactions")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
