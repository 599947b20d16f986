package dev.parley.store;

import dev.parley.core.ChatException;
import dev.parley.core.account.Account;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.search.SearchHit;
import dev.parley.store.hotlog.FailingChannel;
import dev.parley.store.hotlog.HotLog;
import dev.parley.store.hotlog.HotLogSettings;
import dev.parley.store.hotlog.LogBatch;
import dev.parley.store.hotlog.LogMark;
import dev.parley.store.hotlog.RecordKind;
import dev.parley.store.hotlog.ReplayVisitor;
import dev.parley.store.hotlog.TaggedRest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * Stage 2 of the hot log ({@code storage.hotLog}): the writer's plain appends are logged
 * with the mark moved in their transaction, and records the log holds past SQLite's mark (the
 * crash window between the log's write and SQLite's commit, made here by writing the log alone)
 * are in SQLite after the next open, exactly once and without a gap; a log whose disk fails fails
 * its appends before SQLite commits.
 */
class SqliteHotLogReplayTest {
    private static final long T0 = 1_767_225_600_000L;
    private static final UserId ALICE = new UserId(1);
    private static final UserId BOB = new UserId(2);
    private static final UserId MALLORY = new UserId(9);
    private static final ConversationId DIRECT = new ConversationId(10);

    @TempDir
    Path dir;

    @Test
    void plainAppendsAreLoggedAndTheMarkFollowsTheCommit() throws Exception {
        try (SqliteDatabase db = open()) {
            setUp(db);
            JdbcMessageStore messages = new JdbcMessageStore(db);
            for (int i = 1; i <= 3; i++) {
                append(messages, "c" + i, "hello " + i, T0 + i);
            }
            assertThat(db.hotLog().nextOrdinal()).isEqualTo(4);
            assertThat(mark().ordinal()).isEqualTo(4);
        }
        List<String> logged = new ArrayList<>();
        HotLog.open(settings(), LogMark.START, (e, at) -> logged.add(e.seq() + ":" + e.clientId() + ":" + e.body()))
                .close();
        assertThat(logged).containsExactly("1:c1:hello 1", "2:c2:hello 2", "3:c3:hello 3");
    }

    /**
     * One transaction's appends larger than a segment go to the log in more than one batch, in
     * order; an entry whose body is larger than the log takes is stored without a record.
     */
    @Test
    void aTransactionLargerThanASegmentIsLoggedWholeAndAnOversizedBodyIsNot() throws Exception {
        int segmentBytes = 1 << 20;
        int appends = 64;
        String body = "x".repeat(HotLogSettings.DEFAULT_MAX_BODY_BYTES);
        long first;
        try (SqliteDatabase db = SqliteDatabase.open(dir, Durability.OS, 1, appends,
                HotLogSettings.of(dir.resolve(SqliteDatabase.LOG_DIR), Durability.OS).withSegmentBytes(segmentBytes))) {
            setUp(db);
            JdbcMessageStore messages = new JdbcMessageStore(db);
            CountDownLatch release = SqliteHotConversationsTest.holdWriter(db.writer());
            List<CompletableFuture<AppendResult>> sent = new ArrayList<>();
            for (int i = 1; i <= appends; i++) {
                sent.add(messages.append(text("b" + i, body, T0 + i)));
            }
            release.countDown();
            for (CompletableFuture<AppendResult> f : sent) {
                assertThat(Futures.await(f)).isInstanceOf(AppendResult.Appended.class);
            }
            assertThat(db.hotLog().nextOrdinal()).isEqualTo(appends + 1);
            // More than a segment holds: the log rolled, and the segment SQLite holds all of was retired.
            first = db.hotLog().segments().getFirst();
            assertThat(first).isGreaterThan(1);

            append(messages, "big", body + "y", T0 + appends + 1);
            assertThat(db.hotLog().nextOrdinal()).as("no record for a body the log does not take")
                    .isEqualTo(appends + 1);
        }
        assertThat(stored()).hasSize(appends + 1).last().asString().startsWith((appends + 1) + ":big:");
        List<Long> seqs = new ArrayList<>();
        HotLogSettings settings = HotLogSettings.of(dir.resolve(SqliteDatabase.LOG_DIR), Durability.OS)
                .withSegmentBytes(segmentBytes);
        HotLog.open(settings, new LogMark(first, null), (e, at) -> seqs.add(e.seq())).close();
        assertThat(seqs).as("the rest of the transaction's records, in order").hasSize(appends + 1 - (int) first)
                .isSorted().startsWith(first).endsWith((long) appends);
    }

    @Test
    void recordsPastTheMarkAreReplayedOnceWithoutAGap() throws Exception {
        try (SqliteDatabase db = open()) {
            setUp(db);
            JdbcMessageStore messages = new JdbcMessageStore(db);
            append(messages, "c1", "one", T0 + 1);
            append(messages, "c2", "two", T0 + 2);
        }
        // The crash window: records written to the log, SQLite's transaction never committed.
        LogMark mark = mark();
        try (HotLog log = HotLog.open(settings(), mark, ReplayVisitor.NONE)) {
            LogBatch b = log.batch();
            b.add(RecordKind.TEXT, DIRECT.value(), 2, T0 + 2, ALICE.value(), 0, "c2", "two", TaggedRest.NONE);
            b.add(RecordKind.TEXT, DIRECT.value(), 3, T0 + 3, BOB.value(), 0, "c3", "three",
                    LoggedAppends.rest("1:0:5"));
            b.add(RecordKind.TEXT, DIRECT.value(), 4, T0 + 4, MALLORY.value(), 0, "c4", "not a member",
                    TaggedRest.NONE);
            b.add(RecordKind.TEXT, DIRECT.value(), 4, T0 + 5, ALICE.value(), 0, "c1", "a taken client id",
                    TaggedRest.NONE);
            b.add(RecordKind.TEXT, DIRECT.value(), 4, T0 + 6, ALICE.value(), 0, "", "four", TaggedRest.NONE);
            b.add(RecordKind.TEXT, DIRECT.value(), 6, T0 + 7, ALICE.value(), 0, "c6", "after a gap", TaggedRest.NONE);
            log.append(b);
        }
        for (int opening = 0; opening < 2; opening++) {
            try (SqliteDatabase db = open()) {
                assertThat(stored()).containsExactly("1:c1:one", "2:c2:two", "3:c3:three", "4:null:four");
                assertThat(mentioned()).containsExactly(3L);
                db.indexSearchNow();
                assertThat(new JdbcSearchStore(Shards.of(db)).search(BOB, null, List.of("three"), null, 5))
                        .as("a replayed entry is indexed for search").extracting(SearchHit::seq).containsExactly(3L);
                assertThat(mark().ordinal()).isEqualTo(db.hotLog().nextOrdinal()).isEqualTo(mark.ordinal() + 6);
                if (opening == 1) {
                    JdbcMessageStore messages = new JdbcMessageStore(db);
                    AppendResult r = append(messages, "c5", "five", T0 + 8);
                    assertThat(((AppendResult.Appended) r).message().seq()).isEqualTo(5);
                }
            }
        }
        try (SqliteDatabase db = open()) {
            assertThat(stored()).endsWith("4:null:four", "5:c5:five");
        }
    }

    /**
     * A seq logged twice: a transaction logged it and failed, the writer gave it again and that was
     * acknowledged (with rows kept out of SQLite both can lie past the mark). The later one is put in.
     */
    @Test
    void aSeqLoggedAgainAfterAFailedTransactionIsReplayedAsTheLaterRecord() throws Exception {
        try (SqliteDatabase db = open()) {
            setUp(db);
            append(new JdbcMessageStore(db), "c1", "one", T0 + 1);
        }
        try (HotLog log = HotLog.open(settings(), mark(), ReplayVisitor.NONE)) {
            LogBatch b = log.batch();
            b.add(RecordKind.TEXT, DIRECT.value(), 2, T0 + 2, ALICE.value(), 0, "failed", "never acknowledged",
                    TaggedRest.NONE);
            b.add(RecordKind.TEXT, DIRECT.value(), 3, T0 + 3, ALICE.value(), 0, "failed-too", "never either",
                    TaggedRest.NONE);
            b.add(RecordKind.TEXT, DIRECT.value(), 2, T0 + 4, BOB.value(), 0, "acked", "acknowledged", TaggedRest.NONE);
            log.append(b);
        }
        try (SqliteDatabase db = open()) {
            assertThat(stored()).containsExactly("1:c1:one", "2:acked:acknowledged", "3:failed-too:never either");
        }
    }

    /**
     * A write of the log that fails (with {@code os}, the write; with {@code fsync}, the sync)
     * fails the appends of its transaction as a storage fault, before SQLite commits, so none of
     * them is a row; once the disk works again the writer goes on, a retried send takes the next
     * seq, and after a restart every entry is there once (what the failed write left on disk is
     * neither replayed nor in the way).
     */
    @ParameterizedTest
    @EnumSource(Durability.class)
    void aFailedLogWriteFailsItsAppendsAndNothingOfThemIsStored(Durability durability) throws Exception {
        FailingChannel.Disk disk = new FailingChannel.Disk();
        disk.partialBytes = 100;
        try (SqliteDatabase db = SqliteDatabase.open(dir, durability, 1, 64,
                SqliteDatabase.hotLogSettings(dir, durability).withOpener(FailingChannel.opener(disk)))) {
            setUp(db);
            JdbcMessageStore messages = new JdbcMessageStore(db);
            assertThat(seqOf(append(messages, "c1", "one", T0 + 1))).isEqualTo(1);

            if (durability == Durability.FSYNC) {
                disk.failForce = true;
            } else {
                disk.failWrites = true;
            }
            Throwable failed = catchThrowable(() -> Futures.await(messages.append(text("c2", "two", T0 + 2))));
            assertThat(failed).isInstanceOf(ChatException.class);
            assertThat(((ChatException) failed).refusal()).isEqualTo(ChatException.Refusal.UNAVAILABLE);
            assertThat(db.writer().fault()).as("a failing log is a storage fault").isPresent();
            assertThat(stored()).containsExactly("1:c1:one");

            disk.failWrites = false;
            disk.failForce = false;
            assertThat(seqOf(append(messages, "c3", "three", T0 + 3))).isEqualTo(2);
            assertThat(seqOf(append(messages, "c2", "two", T0 + 2)))
                    .as("the failed send, retried, was never stored").isEqualTo(3);
            assertThat(db.writer().fault()).isEmpty();
        }
        try (SqliteDatabase db = open()) {
            assertThat(stored()).containsExactly("1:c1:one", "2:c3:three", "3:c2:two");
            assertThat(db.hotLog().replayed()).isZero();
            assertThat(db.hotLog().nextOrdinal()).isEqualTo(4);
        }
    }

    private static AppendRequest text(String clientId, String body, long at) {
        return AppendRequest.text(DIRECT, ALICE, null, clientId, body, at);
    }

    private static long seqOf(AppendResult r) {
        assertThat(r).isInstanceOf(AppendResult.Appended.class);
        return ((AppendResult.Appended) r).message().seq();
    }

    private SqliteDatabase open() throws Exception {
        return SqliteDatabase.open(dir, Durability.OS, 1, 64, true);
    }

    private HotLogSettings settings() {
        return SqliteDatabase.hotLogSettings(dir, Durability.OS);
    }

    private static void setUp(SqliteDatabase db) {
        JdbcAccountStore accounts = new JdbcAccountStore(db);
        for (UserId u : List.of(ALICE, BOB, MALLORY)) {
            accounts.createAccount(new Account(u, "u" + u.value(), "h", false, Instant.ofEpochMilli(T0)));
        }
        new JdbcConversationStore(db).openDirect(DIRECT, ALICE, BOB, T0);
    }

    private static AppendResult append(JdbcMessageStore messages, String clientId, String body, long at) {
        AppendResult r = Futures.await(messages.append(text(clientId, body, at)));
        assertThat(r).isInstanceOf(AppendResult.Appended.class);
        return r;
    }

    private Connection file() throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteDatabase.FILE_NAME).toAbsolutePath());
    }

    private LogMark mark() throws Exception {
        try (SqlSession s = new SqlSession(file())) {
            return LogReplay.mark(s);
        }
    }

    /** The conversation's entries as "seq:clientId:body", and its last_seq must match the last. */
    private List<String> stored() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = file()) {
            PreparedStatement ps = c.prepareStatement("SELECT seq, client_id, body FROM messages"
                    + " WHERE conversation_id = ? ORDER BY seq");
            ps.setLong(1, DIRECT.value());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getLong(1) + ":" + rs.getString(2) + ":" + rs.getString(3));
                }
            }
            PreparedStatement last = c.prepareStatement("SELECT last_seq FROM conversations WHERE id = ?");
            last.setLong(1, DIRECT.value());
            try (ResultSet rs = last.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(out.size());
            }
        }
        return out;
    }

    private List<Long> mentioned() throws Exception {
        List<Long> seqs = new ArrayList<>();
        try (Connection c = file();
             ResultSet rs = c.createStatement().executeQuery("SELECT seq FROM mentioned WHERE user_id = 1")) {
            while (rs.next()) {
                seqs.add(rs.getLong(1));
            }
        }
        return seqs;
    }
}
