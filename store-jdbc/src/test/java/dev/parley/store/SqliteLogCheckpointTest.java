package dev.parley.store;

import dev.parley.core.account.Account;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The write-ahead log is checkpointed off the writer's thread and reset by the writer, so it stays
 * bounded under continuous writes, a long reader never stops the writer, and a closed database
 * leaves no log behind.
 *
 * <p>The tests run the passive checkpoints themselves ({@link SqliteDatabase#checkpointNow}), in
 * the middle of each round of appends, instead of waiting for the checkpointer's 100 ms timer: on a
 * busy machine that thread may get no CPU for a whole round, and a checkpoint that happens to run
 * after a round has finished copies everything, after which SQLite restarts the log by itself. Both
 * made the figures depend on scheduling (the bound failed on a quiet machine too).
 */
class SqliteLogCheckpointTest {
    private static final int CONVERSATIONS = 400;
    private static final int RESET_PAGES = 2_000;
    private static final int ROUNDS = 40;
    /** The checkpointer's own timer never fires in these tests. */
    private static final long NEVER = TimeUnit.DAYS.toMillis(1);

    @TempDir
    Path dir;

    @Test
    void newFilesUseSmallPagesAndTheLogStaysBoundedUnderContinuousWrites() throws Exception {
        // The same appends into a database that is never checkpointed: its log file holds every
        // page written since it was opened.
        long unboundedLog = logSizeAfterAllAppends(dir.resolve("never-reset"), Integer.MAX_VALUE, false, db -> { });
        long boundedLog = logSizeAfterAllAppends(dir.resolve("reset"), RESET_PAGES, true, db -> {
            assertThat(db.checkpoints()).as("passive checkpoints").isPositive();
            assertThat(db.logResets()).as("log resets by the writer").isPositive();
            int pageSize = db.read(s -> {
                try (ResultSet rs = s.connection().createStatement().executeQuery("PRAGMA page_size")) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            });
            assertThat(pageSize).isEqualTo(SqliteDatabase.PAGE_SIZE);
        });
        assertThat(boundedLog).as("log file with resets (%d bytes), against %d bytes without", boundedLog, unboundedLog)
                .isLessThan(unboundedLog / 3);
    }

    private static long logSizeAfterAllAppends(Path dir, int resetPages, boolean checkpoint,
            Consumer<SqliteDatabase> check)
            throws Exception {
        SqliteDatabase db = SqliteDatabase.open(dir, Durability.OS, 2, 1024, resetPages, NEVER);
        Path log = dir.resolve(SqliteDatabase.FILE_NAME + "-wal");
        long logSize;
        try {
            Conversations c = Conversations.create(db);
            for (int round = 0; round < ROUNDS; round++) {
                if (checkpoint) {
                    c.appendRoundCheckpointingMidway(db, round, 1_000);
                } else {
                    c.appendRound(round, 1_000);
                }
            }
            logSize = Files.size(log);
            check.accept(db);
        } finally {
            db.close();
        }
        assertThat(Files.exists(log) ? Files.size(log) : 0L).as("log left after close").isZero();
        try (Connection read = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteDatabase.FILE_NAME));
             ResultSet rs = read.createStatement().executeQuery("SELECT count(*) FROM messages")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(ROUNDS * 1_000L);
        }
        return logSize;
    }

    @Test
    void aReaderOnTheOldLogDefersTheResetInsteadOfStoppingTheWriter() throws Exception {
        try (SqliteDatabase db = SqliteDatabase.open(dir, Durability.OS, 2, 1024, RESET_PAGES, NEVER);
             Connection reader = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SqliteDatabase.FILE_NAME))) {
            Conversations c = Conversations.create(db);
            c.appendRound(0, 500);
            reader.setAutoCommit(false);
            try (Statement s = reader.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM messages")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(500L);
            }
            // The read transaction stays open on the log as it was: no reset can complete.
            for (int round = 1; round < 12; round++) {
                c.appendRoundCheckpointingMidway(db, round, 1_000);
            }
            assertThat(db.deferredLogResets()).as("resets deferred while the reader held the log").isPositive();
            long resetsWhileReading = db.logResets();
            reader.commit();
            // A deferred reset is tried again a second later; keep writing until it has been.
            for (int round = 12; round < 200 && db.logResets() == resetsWhileReading; round++) {
                c.appendRoundCheckpointingMidway(db, round, 1_000);
                Thread.sleep(20);
            }
            assertThat(db.logResets()).as("resets once the reader let go").isGreaterThan(resetsWhileReading);
        }
    }

    /** Direct conversations to append to, round after round. */
    private record Conversations(JdbcMessageStore store, ConversationId[] ids, UserId[] senders) {
        static Conversations create(SqliteDatabase db) {
            JdbcAccountStore accounts = new JdbcAccountStore(db);
            JdbcConversationStore conversations = new JdbcConversationStore(db);
            ConversationId[] ids = new ConversationId[CONVERSATIONS];
            UserId[] senders = new UserId[CONVERSATIONS];
            Instant now = Instant.now();
            for (int i = 0; i < CONVERSATIONS; i++) {
                UserId a = new UserId(1_000 + 2L * i);
                UserId b = new UserId(1_001 + 2L * i);
                accounts.createAccount(new Account(a, "a" + i, "x", false, now));
                accounts.createAccount(new Account(b, "b" + i, "x", false, now));
                ids[i] = conversations.openDirect(new ConversationId(500_000 + i), a, b, now.toEpochMilli()).id();
                senders[i] = a;
            }
            return new Conversations(new JdbcMessageStore(db), ids, senders);
        }

        void appendRound(int round, int count) throws Exception {
            await(submit(round, 0, count));
        }

        /**
         * Half the round, a passive checkpoint that finds at least that half in the log, the other
         * half (the writer resets the log between two of its batches if the checkpoint found it
         * past the limit).
         */
        void appendRoundCheckpointingMidway(SqliteDatabase db, int round, int count) throws Exception {
            await(submit(round, 0, count / 2));
            db.checkpointNow();
            await(submit(round, count / 2, count));
        }

        private List<CompletableFuture<AppendResult>> submit(int round, int from, int to) {
            List<CompletableFuture<AppendResult>> pending = new ArrayList<>(to - from);
            for (int n = from; n < to; n++) {
                int i = n % CONVERSATIONS;
                pending.add(store.append(AppendRequest.text(ids[i], senders[i], new DeviceId(9_000 + i),
                        "r" + round + "-" + n, "x".repeat(64), System.currentTimeMillis())));
            }
            return pending;
        }

        private static void await(List<CompletableFuture<AppendResult>> pending) throws Exception {
            for (CompletableFuture<AppendResult> f : pending) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isInstanceOf(AppendResult.Appended.class);
            }
        }
    }
}
