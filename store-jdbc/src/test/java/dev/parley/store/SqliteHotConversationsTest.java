package dev.parley.store;

import dev.parley.core.account.Account;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.MembershipChange;
import dev.parley.core.message.MessageKind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The SQLite writer's remembered conversations ({@link HotConversations}): plain appends take
 * their seq from memory and store the conversation's row once per transaction, and what the
 * writer remembers stays what the store holds. Each case queues its writes behind a task that
 * holds the writer, so they run in one transaction.
 */
class SqliteHotConversationsTest {
    private static final long T0 = 1_767_225_600_000L;
    private static final UserId ALICE = new UserId(1);
    private static final UserId BOB = new UserId(2);
    private static final UserId CAROL = new UserId(3);
    private static final ConversationId DIRECT = new ConversationId(10);
    private static final ConversationId GROUP = new ConversationId(20);

    @TempDir
    Path dir;
    SqliteDatabase db;
    private JdbcMessageStore messages;
    private int clientIds;
    private long staleBefore;

    @BeforeEach
    void open() throws Exception {
        staleBefore = HotConversations.staleSeqs();
        db = openDatabase();
        messages = new JdbcMessageStore(db);
        JdbcAccountStore accounts = new JdbcAccountStore(db);
        for (UserId u : List.of(ALICE, BOB, CAROL)) {
            accounts.createAccount(new Account(u, "u" + u.value(), "h", false, Instant.ofEpochMilli(T0)));
        }
        new JdbcConversationStore(db).openDirect(DIRECT, ALICE, BOB, T0);
        Futures.await(messages.createGroup(GROUP, ALICE, null, "Team", List.of(BOB, CAROL), T0));
    }

    /** Before a test reads SQLite's rows directly (not through the store): nothing to wait for here. */
    protected void beforeStoredRead() {
    }

    /** Opens the test's database. */
    protected SqliteDatabase openDatabase() throws Exception {
        return SqliteDatabase.open(dir, Durability.OS, 2, 64, hotLog());
    }

    /** Whether the writer's plain appends go to the hot log too ({@code storage.hotLog}). */
    protected boolean hotLog() {
        return false;
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
        // The store's unique seqs would catch a wrong remembered seq (the batch runs again), but
        // what is remembered must never be wrong in the first place.
        assertThat(HotConversations.staleSeqs()).isEqualTo(staleBefore);
    }

    private AppendRequest text(ConversationId c, UserId sender, long at) {
        return AppendRequest.text(c, sender, null, "c" + (++clientIds), "hello", at);
    }

    /** Holds the writer until the returned latch is counted down; writes queued meanwhile share one transaction. */
    private CountDownLatch holdWriter() throws InterruptedException {
        return holdWriter(db.writer());
    }

    /** Holds {@code writer} until the returned latch is counted down (also the hot log's tests). */
    static CountDownLatch holdWriter(GroupCommitWriter writer) throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        writer.submit(s -> {
            running.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        running.await();
        return release;
    }

    private long[] stored(ConversationId c) {
        beforeStoredRead();
        return db.read(s -> {
            PreparedStatement ps = s.prepare("SELECT last_seq, last_activity_at, (SELECT max(seq) FROM messages"
                    + " WHERE conversation_id = ?) FROM conversations WHERE id = ?");
            ps.setLong(1, c.value());
            ps.setLong(2, c.value());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[]{rs.getLong(1), rs.getLong(2), rs.getLong(3)};
            }
        });
    }

    private static long seqOf(AppendResult r) {
        assertThat(r).isInstanceOf(AppendResult.Appended.class);
        return ((AppendResult.Appended) r).message().seq();
    }

    @Test
    void readersSeeTheLastSeqAndActivityOfEveryAppendOfATransaction() throws Exception {
        CountDownLatch release = holdWriter();
        List<CompletableFuture<AppendResult>> sent = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            sent.add(messages.append(text(DIRECT, i % 2 == 0 ? ALICE : BOB, T0 + 1_000 * i)));
            sent.add(messages.append(text(GROUP, CAROL, T0 + 500 * i)));
        }
        release.countDown();
        for (CompletableFuture<AppendResult> f : sent) {
            Futures.await(f);
        }
        assertThat(stored(DIRECT)).containsExactly(5, T0 + 5_000, 5);
        assertThat(stored(GROUP)).containsExactly(6, T0 + 2_500, 6);
        // A write that reads the row inside the same transaction (receipts read last_seq) sees it too.
        release = holdWriter();
        CompletableFuture<AppendResult> more = messages.append(text(DIRECT, ALICE, T0 + 9_000));
        CompletableFuture<Long> seen = db.write(DIRECT.value(), s -> {
            PreparedStatement ps = s.prepare("SELECT last_seq FROM conversations WHERE id = ?");
            ps.setLong(1, DIRECT.value());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        release.countDown();
        assertThat(seqOf(Futures.await(more))).isEqualTo(6);
        assertThat(Futures.await(seen)).isEqualTo(6);
    }

    @Test
    void aBatchRolledBackLeavesTheSeqsAsTheStoreHasThem() throws Exception {
        assertThat(seqOf(Futures.await(messages.append(text(DIRECT, ALICE, T0 + 1))))).isEqualTo(1);
        CountDownLatch release = holdWriter();
        CompletableFuture<AppendResult> first = messages.append(text(DIRECT, ALICE, T0 + 2));
        // Fails the batch after the append ran in it: the batch rolls back, each write runs alone.
        CompletableFuture<Object> failing = db.write(DIRECT.value() + 1, s -> {
            throw new SQLException("this write fails");
        });
        release.countDown();
        assertThat(seqOf(Futures.await(first))).isEqualTo(2);
        assertThat(catchThrowable(failing::join)).isNotNull();
        assertThat(seqOf(Futures.await(messages.append(text(DIRECT, BOB, T0 + 3))))).isEqualTo(3);
        assertThat(stored(DIRECT)).containsExactly(3, T0 + 3, 3);
    }

    @Test
    void aMemberRemovedInTheSameTransactionCannotSendAfterTheRemoval() throws Exception {
        assertThat(Futures.await(messages.append(text(GROUP, BOB, T0 + 1)))).isInstanceOf(AppendResult.Appended.class);
        CountDownLatch release = holdWriter();
        CompletableFuture<AppendResult> before = messages.append(text(GROUP, BOB, T0 + 2));
        CompletableFuture<AppendResult> removal = messages.append(AppendRequest.change(GROUP, ALICE, null,
                MessageKind.MEMBER_REMOVED, new MembershipChange.Remove(BOB), T0 + 3));
        CompletableFuture<AppendResult> after = messages.append(text(GROUP, BOB, T0 + 4));
        CompletableFuture<AppendResult> other = messages.append(text(GROUP, CAROL, T0 + 5));
        release.countDown();
        assertThat(seqOf(Futures.await(before))).isEqualTo(3);
        assertThat(seqOf(Futures.await(removal))).isEqualTo(4);
        assertThat(Futures.await(after)).isInstanceOf(AppendResult.NotMember.class);
        assertThat(seqOf(Futures.await(other))).isEqualTo(5);
        assertThat(stored(GROUP)).containsExactly(5, T0 + 5, 5);
        assertThat(Futures.await(messages.append(text(GROUP, BOB, T0 + 6)))).isInstanceOf(AppendResult.NotMember.class);
    }

    @Test
    void anotherProcessesCommitsAreSeenByTheWriter() throws Exception {
        assertThat(Futures.await(messages.append(text(GROUP, BOB, T0 + 1)))).isInstanceOf(AppendResult.Appended.class);
        try (SqliteDatabase second = SqliteDatabase.open(dir, Durability.OS, 1, 64)) {
            JdbcMessageStore theirs = new JdbcMessageStore(second);
            assertThat(seqOf(Futures.await(theirs.append(text(GROUP, CAROL, T0 + 2))))).isEqualTo(3);
            assertThat(seqOf(Futures.await(theirs.append(AppendRequest.change(GROUP, ALICE, null,
                    MessageKind.MEMBER_REMOVED, new MembershipChange.Remove(BOB), T0 + 3))))).isEqualTo(4);
        }
        assertThat(Futures.await(messages.append(text(GROUP, BOB, T0 + 4)))).isInstanceOf(AppendResult.NotMember.class);
        assertThat(seqOf(Futures.await(messages.append(text(GROUP, CAROL, T0 + 5))))).isEqualTo(5);
    }

    @Test
    void aRetriedSendIsAnsweredWithTheOriginalAndTakesNoSeq() {
        AppendRequest once = text(DIRECT, ALICE, T0 + 1);
        long seq = seqOf(Futures.await(messages.append(once)));
        AppendResult again = Futures.await(messages.append(once));
        assertThat(again).isInstanceOf(AppendResult.Duplicate.class);
        assertThat(((AppendResult.Duplicate) again).original().seq()).isEqualTo(seq);
        assertThat(seqOf(Futures.await(messages.append(text(DIRECT, BOB, T0 + 2))))).isEqualTo(seq + 1);
        assertThat(stored(DIRECT)).containsExactly(seq + 1, T0 + 2, seq + 1);
    }
}
