package dev.parley.store;

import dev.parley.core.account.Account;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SQLite behind the hot log (docs/storage.md, "The hot log", stage 3): acknowledged plain appends
 * are kept out of SQLite, in the log and the tail views, and their rows go in later, a slice of
 * conversations at a time or all at a barrier. Mostly held until a barrier or the close (no time
 * rule, not when idle), so what SQLite holds at each step is known.
 */
class SqliteMaterializationTest {
    private static final long T0 = 1_767_225_600_000L;
    private static final UserId ALICE = new UserId(1);
    private static final UserId BOB = new UserId(2);
    private static final ConversationId DIRECT = new ConversationId(10);
    /** Held until a barrier or the close: no batch count, an hour, not when idle. */
    private static final Materialization HELD = new Materialization(0, TimeUnit.HOURS.toNanos(1),
            Materialization.MAX_PENDING, false);

    @TempDir
    Path dir;
    private SqliteDatabase db;
    private JdbcMessageStore messages;

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private void open() throws Exception {
        open(HELD);
    }

    private void open(Materialization materialization) throws Exception {
        SqliteDatabase.MATERIALIZATION_FOR_TESTS.set(materialization);
        try {
            db = SqliteDatabase.open(dir, Durability.OS, 2, 64, true);
        } finally {
            SqliteDatabase.MATERIALIZATION_FOR_TESTS.remove();
        }
        messages = new JdbcMessageStore(db);
    }

    private void openWithConversation() throws Exception {
        openWithConversation(HELD);
    }

    private void openWithConversation(Materialization materialization) throws Exception {
        open(materialization);
        JdbcAccountStore accounts = new JdbcAccountStore(db);
        for (UserId u : List.of(ALICE, BOB)) {
            accounts.createAccount(new Account(u, "u" + u.value(), "h", false, Instant.ofEpochMilli(T0)));
        }
        new JdbcConversationStore(db).openDirect(DIRECT, ALICE, BOB, T0);
    }

    @Test
    void acknowledgedEntriesAreReadFromTheTailUntilSqliteCommitsThem() throws Exception {
        openWithConversation();
        appendAll(1, 20);

        assertThat(committedBodies()).as("SQLite's committed rows: none yet").isEmpty();
        assertThat(bodies(messages.range(DIRECT, 0, 20, 50))).as("read through the tail")
                .containsExactly(expected(1, 20).toArray(String[]::new));
        assertThat(append("m1")).as("a retried client id finds its original in the waiting tail")
                .isInstanceOfSatisfying(AppendResult.Duplicate.class, d -> assertThat(d.original().seq()).isEqualTo(1));

        db.close();
        db = null;
        assertThat(committedBodies()).as("materialized at the close").containsExactlyElementsOf(expected(1, 20));
        openWithoutSetup();
        assertThat(append("m21")).isInstanceOfSatisfying(AppendResult.Appended.class,
                a -> assertThat(a.message().seq()).isEqualTo(21));
    }

    @Test
    void keptOutRowsStayPendingWhenTheirInsertFailsAndGoInLater() throws Exception {
        openWithConversation();
        // An insert that fails and takes the whole transaction with it, as SQLite's automatic
        // rollback after a full disk or an I/O error does. Creating it is a barrier.
        write(s -> {
            try (Statement st = s.connection().createStatement()) {
                st.execute("CREATE TRIGGER lose_the_transaction BEFORE INSERT ON messages WHEN NEW.body = 'boom'"
                        + " BEGIN SELECT RAISE(ROLLBACK, 'lost'); END");
            }
        });
        appendAll(1, 10);
        assertThat(append("boom")).as("acknowledged: the log holds it").isInstanceOf(AppendResult.Appended.class);
        assertThat(committedBodies()).as("kept out of SQLite").isEmpty();

        assertThatThrownBy(() -> write(s -> { })).as("a barrier inserts the kept-out rows first, and fails")
                .isInstanceOf(RuntimeException.class);
        assertThat(committedBodies()).isEmpty();
        List<String> all = new ArrayList<>(expected(1, 10));
        all.add("boom");
        assertThat(bodies(messages.range(DIRECT, 0, 11, 50))).as("still read from the tail").containsExactlyElementsOf(all);

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("parley.db"));
             Statement st = c.createStatement()) {
            st.execute("DROP TRIGGER lose_the_transaction");
        }
        write(s -> { });
        assertThat(committedBodies()).as("in SQLite once the insert works").containsExactlyElementsOf(all);
        assertThat(append("m12")).isInstanceOfSatisfying(AppendResult.Appended.class,
                a -> assertThat(a.message().seq()).isEqualTo(12));
        assertThat(bodies(messages.range(DIRECT, 0, 12, 50))).hasSize(12);

        db.close();
        db = null;
        assertThat(committedSeqs()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
    }

    @Test
    void aSliceInsertsTheDueConversationsRowsBetweenBatches() throws Exception {
        openWithConversation(new Materialization(0, 1, Materialization.MAX_PENDING, false));
        appendAll(1, 3);
        // Every batch's kept-out rows are due at once (1 ns): the slice after the batch inserts them.
        long giveUp = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (committedBodies().size() < 3 && System.nanoTime() < giveUp) {
            Thread.sleep(10);
        }
        assertThat(committedBodies()).containsExactlyElementsOf(expected(1, 3));
        assertThat(db.loggedAppends().materializations()).isPositive();
    }

    private void write(SqlWork work) {
        Futures.await(db.write(0, s -> {
            work.run(s);
            return null;
        }, r -> { }));
    }

    private interface SqlWork {
        void run(SqlSession s) throws java.sql.SQLException;
    }

    @Test
    void aReceiptIsNoBarrierAndIsClampedToTheKeptOutEntries() throws Exception {
        openWithConversation();
        appendAll(1, 5);
        JdbcConversationStore conversations = new JdbcConversationStore(db);

        assertThat(Futures.await(conversations.advancePositions(DIRECT, BOB, 4, 3, r -> { })))
                .hasValueSatisfying(p -> {
                    assertThat(p.deliveredSeq()).isEqualTo(4);
                    assertThat(p.readSeq()).isEqualTo(3);
                });
        assertThat(Futures.await(conversations.advancePositions(DIRECT, BOB, 99, 99, r -> { })))
                .as("clamped to the last kept-out entry, not to SQLite's last seq (0)")
                .hasValueSatisfying(p -> assertThat(p.readSeq()).isEqualTo(5));
        assertThat(committedBodies()).as("the receipts did not put the kept-out rows in").isEmpty();

        db.close();
        db = null;
        assertThat(committedBodies()).containsExactlyElementsOf(expected(1, 5));
    }

    @Test
    void aBackupAndAnExportHoldWhatWasAcknowledgedBeforeThem() throws Exception {
        openWithConversation();
        appendAll(1, 5);
        assertThat(committedBodies()).as("waiting behind the log").isEmpty();

        SqliteAdministration admin = new SqliteAdministration(db);
        assertThat(admin.export(ALICE).messages()).extracting(Message::body)
                .containsExactlyElementsOf(expected(1, 5));
        Path backup = dir.resolve("backup").resolve("parley.db");
        admin.backup(backup);
        assertThat(bodiesIn(backup)).containsExactlyElementsOf(expected(1, 5));
    }

    private void openWithoutSetup() throws Exception {
        open();
    }

    private void appendAll(int from, int to) {
        for (int i = from; i <= to; i++) {
            assertThat(append("m" + i)).isInstanceOf(AppendResult.Appended.class);
        }
    }

    private AppendResult append(String body) {
        return Futures.await(messages.append(AppendRequest.text(DIRECT, ALICE, null, "c-" + body, body, T0)));
    }

    private static List<String> expected(int from, int to) {
        List<String> bodies = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            bodies.add("m" + i);
        }
        return bodies;
    }

    private static List<String> bodies(List<Message> page) {
        return page.stream().map(Message::body).toList();
    }

    /** What SQLite's committed state holds, read from a connection of its own. */
    private List<String> committedBodies() throws Exception {
        return bodiesIn(dir.resolve("parley.db"));
    }

    private static List<String> bodiesIn(Path file) throws Exception {
        return column(file, "body").stream().map(String.class::cast).toList();
    }

    private List<Long> committedSeqs() throws Exception {
        return column(dir.resolve("parley.db"), "seq").stream().map(v -> ((Number) v).longValue()).toList();
    }

    /** One column of the conversation's committed rows in seq order, read from a connection of its own. */
    private static List<Object> column(Path file, String name) throws Exception {
        List<Object> values = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + name + " FROM messages WHERE conversation_id = "
                     + DIRECT.value() + " ORDER BY seq")) {
            while (rs.next()) {
                values.add(rs.getObject(1));
            }
        }
        return values;
    }
}
