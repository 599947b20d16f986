package dev.parley.store;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.MembershipChange;
import dev.parley.core.message.Mention;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Plain appends on PostgreSQL written together ({@link PostgresAppends}): many appends held back
 * behind one write so that they share a transaction, each answered as if it had been written
 * alone.
 */
class PostgresAppendsTest {
    private static final long TIMEOUT_SECONDS = 30;
    private static String url;

    private PostgresDatabase db;
    private JdbcMessageStore messages;
    private long now = 1_000_000;

    @BeforeAll
    static void database() {
        url = PostgresTestSupport.freshDatabase("parley_test_appends");
    }

    @BeforeEach
    void open() throws Exception {
        PostgresTestSupport.assumeReachable();
        PostgresTestSupport.empty(url);
        // One lane, so that everything queued behind the held write lands in one batch.
        db = PostgresDatabase.open(url, PostgresTestSupport.USER, PostgresTestSupport.PASSWORD, Durability.OS, 2, 1, 1024);
        messages = new JdbcMessageStore(db);
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    @Test
    void appendsInOneTransactionTakeDenseSeqsInOrderAndAreAnsweredEachAsAlone() throws Exception {
        UserId owner = new UserId(11);
        UserId member = new UserId(12);
        UserId stranger = new UserId(13);
        ConversationId a = group(101, owner, member);
        ConversationId b = group(102, owner, member);

        List<CompletableFuture<AppendResult>> results = held(List.of(
                text(a, owner, "a-1", "first in a"),
                text(b, member, "b-1", "first in b"),
                text(a, stranger, "x-1", "not a member"),
                text(a, member, "a-2", "second in a"),
                text(a, owner, "a-1", "first in a"),
                text(a, owner, "a-1", "the same client id, other words"),
                mentioning(b, owner, "b-2", "hello member", member),
                text(a, owner, null, "third in a")));

        Message first = appended(results.get(0));
        assertThat(first.seq()).isEqualTo(2);
        assertThat(appended(results.get(1)).seq()).isEqualTo(2);
        assertThat(results.get(2).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isInstanceOf(AppendResult.NotMember.class);
        assertThat(appended(results.get(3)).seq()).isEqualTo(3);
        assertThat(results.get(4).get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(AppendResult.Duplicate.class, d -> assertThat(d.original().seq()).isEqualTo(2));
        assertThat(results.get(5).get(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .isInstanceOfSatisfying(AppendResult.ClientIdConflict.class,
                        c -> assertThat(c.original().body()).isEqualTo("first in a"));
        Message mention = appended(results.get(6));
        assertThat(mention.seq()).isEqualTo(3);
        assertThat(mention.mentions()).containsExactly(new Mention(member, 0, 5));
        assertThat(appended(results.get(7)).seq()).isEqualTo(4);

        assertThat(bodies(a)).containsExactly("created", "first in a", "second in a", "third in a");
        assertThat(bodies(b)).containsExactly("created", "first in b", "hello member");
        assertThat(messages.range(a, 0, Long.MAX_VALUE, 10).getLast().seq()).isEqualTo(4);
        assertThat(single("SELECT last_seq FROM conversations WHERE id = " + a.value())).isEqualTo(4);
        assertThat(single("SELECT count(*) FROM message_search")).isEqualTo(5);
        assertThat(single("SELECT count(*) FROM mentioned WHERE user_id = " + member.value() + " AND seq = 3"))
                .isEqualTo(1);
        assertThat(messages.mentions(b, member, 0, 3)).isTrue();
    }

    /** A removal queued between two appends of the removed member: the first is stored, the second refused. */
    @Test
    void aRemovalBetweenTwoAppendsInOneTransactionRefusesTheSecond() throws Exception {
        UserId owner = new UserId(21);
        UserId member = new UserId(22);
        ConversationId g = group(201, owner, member);

        List<CompletableFuture<AppendResult>> results = held(List.of(
                text(g, member, "m-1", "before"),
                AppendRequest.change(g, owner, new DeviceId(owner.value()), MessageKind.MEMBER_REMOVED,
                        new MembershipChange.Remove(member), tick()),
                text(g, member, "m-2", "after"),
                text(g, owner, "o-1", "still here")));

        assertThat(appended(results.get(0)).seq()).isEqualTo(2);
        assertThat(appended(results.get(1)).seq()).isEqualTo(3);
        assertThat(results.get(2).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isInstanceOf(AppendResult.NotMember.class);
        assertThat(appended(results.get(3)).seq()).isEqualTo(4);
        assertThat(single("SELECT last_seq FROM conversations WHERE id = " + g.value())).isEqualTo(4);
    }

    /** A known membership version that is not the conversation's: the append says what the membership is now. */
    @Test
    void anOutdatedMembershipVersionIsAnsweredWithTheMembership() throws Exception {
        UserId owner = new UserId(31);
        UserId member = new UserId(32);
        ConversationId g = group(301, owner, member);
        long version = single("SELECT membership_version FROM conversations WHERE id = " + g.value());

        List<CompletableFuture<AppendResult>> results = held(List.of(
                AppendRequest.text(g, owner, new DeviceId(31), "v-1", "current", tick(), version),
                AppendRequest.text(g, owner, new DeviceId(31), "v-2", "outdated", tick(), version + 7)));

        AppendResult.Appended current = (AppendResult.Appended) results.get(0).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(current.membership()).isNull();
        AppendResult.Appended outdated = (AppendResult.Appended) results.get(1).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(outdated.membership()).isNotNull();
        assertThat(outdated.membership().version()).isEqualTo(version);
        assertThat(outdated.membership().roles()).containsKeys(owner, member);
    }

    /**
     * The same send queued twice in one transaction: one statement would insert both (it does not
     * see its own rows) and fail on the client-id index, so the first is written before the second
     * is queued, and the second gets the original.
     */
    @Test
    void theSameSendTwiceInOneQueueIsAnsweredWithTheOriginal() throws Exception {
        UserId owner = new UserId(41);
        ConversationId g = group(401, owner, new UserId(42));
        AppendRequest send = text(g, owner, "twice", "once only");
        try (SqlSession s = new SqlSession(PostgresTestSupport.connect(url), new PostgresAppends())) {
            s.connection().setAutoCommit(false);
            PostgresAppends.Queued first = s.appends().add(s, send, null);
            PostgresAppends.Queued second = s.appends().add(s, send, null);
            s.commit();

            assertThat(first.result()).isInstanceOfSatisfying(AppendResult.Appended.class,
                    a -> assertThat(a.message().seq()).isEqualTo(2));
            assertThat(second.result()).isInstanceOfSatisfying(AppendResult.Duplicate.class,
                    d -> assertThat(d.original().seq()).isEqualTo(2));
        }
        assertThat(single("SELECT last_seq FROM conversations WHERE id = " + g.value())).isEqualTo(2);
    }

    /** Submits the appends while the writer is held by another write, so that they run in one batch. */
    private List<CompletableFuture<AppendResult>> held(List<AppendRequest> requests) throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        CountDownLatch holding = new CountDownLatch(1);
        CompletableFuture<Integer> hold = db.write(0, s -> {
            holding.countDown();
            try {
                gate.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 0;
        }, r -> { });
        assertThat(holding.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<AppendResult>> out = new ArrayList<>();
        List<AppendResult> committed = new ArrayList<>();
        for (AppendRequest r : requests) {
            out.add(messages.append(r, committed::add));
        }
        long batchesBefore = db.writers().getFirst().batches();
        gate.countDown();
        hold.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        CompletableFuture.allOf(out.toArray(CompletableFuture[]::new)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(db.writers().getFirst().batches() - batchesBefore).as("the held write's batch, then the appends'")
                .isEqualTo(2);
        assertThat(db.writers().getFirst().retries()).as("no batch run again").isZero();
        List<AppendResult> answered = new ArrayList<>();
        for (CompletableFuture<AppendResult> f : out) {
            answered.add(f.get());
        }
        assertThat(committed).as("each after-commit hook with its append's result").containsExactlyElementsOf(answered);
        return out;
    }

    private ConversationId group(long id, UserId owner, UserId member) throws Exception {
        ConversationId g = new ConversationId(id);
        messages.createGroup(g, owner, new DeviceId(owner.value()), "created", List.of(member), tick(), r -> { })
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return g;
    }

    private AppendRequest text(ConversationId c, UserId sender, String clientId, String body) {
        return AppendRequest.text(c, sender, new DeviceId(sender.value()), clientId, body, tick());
    }

    private AppendRequest mentioning(ConversationId c, UserId sender, String clientId, String body, UserId mentioned) {
        return AppendRequest.text(c, sender, new DeviceId(sender.value()), clientId, body, tick(), -1, 0,
                List.of(new Mention(mentioned, 0, 5)));
    }

    private long tick() {
        return ++now;
    }

    private static Message appended(CompletableFuture<AppendResult> f) throws Exception {
        AppendResult r = f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(r).isInstanceOf(AppendResult.Appended.class);
        return ((AppendResult.Appended) r).message();
    }

    /** The texts of the conversation's entries in seq order (a group's creation by its title). */
    private List<String> bodies(ConversationId c) {
        List<String> out = new ArrayList<>();
        for (Message m : messages.range(c, 0, Long.MAX_VALUE, 100)) {
            out.add(m.body() != null ? m.body() : m.title());
        }
        return out;
    }

    private static long single(String sql) throws Exception {
        try (Connection c = PostgresTestSupport.connect(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
