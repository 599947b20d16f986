package dev.parley.store;

import dev.parley.core.account.Account;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.search.SearchHit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SQLite's search index in a file of its own ({@link SearchFile}), written by a thread of its own
 * ({@link SearchIndexing}): appends never wait for it, search answers exactly around what it has
 * not applied yet (deletions, erasure, a page whose newest hits were deleted), erased text leaves
 * it even across a restart, and a database of an earlier version, a restored database or a damaged
 * search file each end with an index that matches the messages.
 */
class SqliteSearchFileTest {
    private static final long T0 = 1_767_225_600_000L;
    private static final UserId ALICE = new UserId(1);
    private static final UserId BOB = new UserId(2);
    private static final ConversationId DIRECT = new ConversationId(10);

    @TempDir
    Path dir;
    private SqliteDatabase db;
    private JdbcMessageStore messages;
    private JdbcSearchStore search;
    private int clientIds;

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    /** Opens the database with indexing held ({@code hold}) or by its own clock (null). */
    private void open(String indexing) {
        if (indexing != null) {
            System.setProperty(JdbcSearchStore.INDEXING_PROPERTY, indexing);
        }
        try {
            db = SqliteDatabase.open(dir, Durability.OS, 2, 64);
            messages = new JdbcMessageStore(db);
            search = new JdbcSearchStore(Shards.of(db));
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            System.clearProperty(JdbcSearchStore.INDEXING_PROPERTY);
        }
    }

    private void people() {
        JdbcAccountStore accounts = new JdbcAccountStore(db);
        for (UserId u : List.of(ALICE, BOB)) {
            accounts.createAccount(new Account(u, "u" + u.value(), "h", false, Instant.ofEpochMilli(T0)));
        }
        new JdbcConversationStore(db).openDirect(DIRECT, ALICE, BOB, T0);
    }

    private CompletableFuture<AppendResult> send(UserId sender, String text) {
        clientIds++;
        return messages.append(AppendRequest.text(DIRECT, sender, null, "c" + clientIds, text, T0 + clientIds));
    }

    private long say(UserId sender, String text) {
        return ((AppendResult.Appended) Futures.await(send(sender, text))).message().seq();
    }

    private List<Long> found(String word, int limit) {
        return search.search(BOB, null, List.of(word), null, limit).stream().map(SearchHit::seq).toList();
    }

    /** The seqs the search file's index holds for {@code word}, read from the file itself. */
    private List<Long> indexed(String word) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db.searchFile());
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT e.seq FROM message_search f JOIN message_search_entries e"
                     + " ON e.id = f.rowid WHERE message_search MATCH '\"" + word + "\"*' ORDER BY e.seq")) {
            List<Long> seqs = new ArrayList<>();
            while (rs.next()) {
                seqs.add(rs.getLong(1));
            }
            return seqs;
        }
    }

    @Test
    void appendsCommitAndAreFoundWhileTheSearchFileIsLockedByAnotherWriter() throws Exception {
        open(null);
        people();
        long first = say(ALICE, "heron 0");
        db.indexSearchNow();
        try (Connection locker = DriverManager.getConnection("jdbc:sqlite:" + db.searchFile());
             Statement st = locker.createStatement()) {
            st.execute("BEGIN IMMEDIATE");
            st.execute("INSERT INTO search_marks (conversation_id, indexed_seq) VALUES (999, 0)");
            List<CompletableFuture<AppendResult>> sends = new ArrayList<>();
            for (int i = 1; i <= 50; i++) {
                sends.add(send(ALICE, "heron " + i));
            }
            for (CompletableFuture<AppendResult> f : sends) {
                // The indexer waits for the search file's lock (up to its busy timeout); the writer does not.
                assertThat(f.get(5, TimeUnit.SECONDS)).isInstanceOf(AppendResult.Appended.class);
            }
            assertThat(found("heron", 50)).hasSize(50).contains(first + 50).doesNotContain(first);
            assertThat(found("heron", 51)).hasSize(51);
            st.execute("ROLLBACK");
        }
        db.indexSearchNow();
        assertThat(indexed("heron")).hasSize(51);
        assertThat(found("heron", 51)).hasSize(51).doesNotHaveDuplicates();
    }

    @Test
    void aPageWhoseNewestIndexedHitsWereDeletedReadsOnToTheLimit() throws Exception {
        open("hold");
        people();
        List<Long> seqs = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            seqs.add(say(ALICE, "kite " + i));
        }
        db.indexSearchNow();
        for (long seq : seqs.subList(10, 30)) {
            Futures.await(messages.append(AppendRequest.deletion(DIRECT, ALICE, null, "d" + seq, seq, T0 + 100 + seq,
                    -1)));
        }
        // The index still holds the 20 deleted: the first 5 it gives are all gone.
        assertThat(indexed("kite")).hasSize(30);
        List<Long> oldestTen = seqs.subList(0, 10);
        assertThat(found("kite", 5)).containsExactly(oldestTen.get(9), oldestTen.get(8), oldestTen.get(7),
                oldestTen.get(6), oldestTen.get(5));
        assertThat(found("kite", 50)).hasSize(10);
        db.indexSearchNow();
        assertThat(indexed("kite")).containsExactlyElementsOf(oldestTen);
    }

    @Test
    void erasedTextIsNeverFoundAndLeavesTheIndexAfterARestartBeforeIndexing() throws Exception {
        open("hold");
        people();
        long alice = say(ALICE, "lemur by alice");
        long bob = say(BOB, "lemur by bob");
        db.indexSearchNow();
        assertThat(messages.eraseText(DIRECT, ALICE)).isEqualTo(1);
        assertThat(found("lemur", 20)).containsExactly(bob);
        assertThat(indexed("lemur")).as("not purged yet").containsExactly(alice, bob);
        db.close();

        open("hold");
        assertThat(found("lemur", 20)).containsExactly(bob);
        db.indexSearchNow();
        assertThat(indexed("lemur")).containsExactly(bob);
        assertThat(indexed("alice")).isEmpty();
        // The applied purge row is dropped with the next one written.
        assertThat(messages.eraseText(DIRECT, BOB)).isEqualTo(1);
        long purges = db.read(s -> {
            try (ResultSet rs = s.prepare("SELECT count(*) FROM search_purges").executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
        assertThat(purges).isEqualTo(1);
        assertThat(found("lemur", 20)).isEmpty();
        db.indexSearchNow();
        assertThat(indexed("lemur")).isEmpty();
    }

    @Test
    void aDatabaseOfTheVersionBeforeHasItsIndexCopiedIntoTheSearchFile() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve(SqliteDatabase.FILE_NAME).toAbsolutePath();
        Flyway.configure().dataSource(url, null, null).locations("classpath:db/migration/sqlite").target("11")
                .load().migrate();
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("INSERT INTO users (id, username, password_hash, disabled, created_at)"
                    + " VALUES (1, 'alice', 'h', 0, 10), (2, 'bob', 'h', 0, 20)");
            st.execute("INSERT INTO conversations (id, kind, created_at, last_seq, last_activity_at)"
                    + " VALUES (10, 'direct', " + T0 + ", 2, " + T0 + ")");
            st.execute("INSERT INTO members (conversation_id, user_id, role, joined_seq, joined_at)"
                    + " VALUES (10, 1, 'member', 0, " + T0 + "), (10, 2, 'member', 0, " + T0 + ")");
            st.execute("INSERT INTO messages (conversation_id, seq, created_at, sender_id, kind, body)"
                    + " VALUES (10, 1, " + (T0 + 1) + ", 1, 'text', 'otter one'),"
                    + " (10, 2, " + (T0 + 2) + ", 1, 'text', 'otter two')");
            // Version 11 indexed the first entry in this file and moved its mark.
            st.execute("INSERT INTO message_search_entries (id, conversation_id, seq, created_at)"
                    + " VALUES (1, 10, 1, " + (T0 + 1) + ")");
            st.execute("INSERT INTO message_search (rowid, text) VALUES (1, 'otter one')");
            st.execute("INSERT INTO search_marks (conversation_id, indexed_seq) VALUES (10, 1)");
        }

        open("hold");
        assertThat(indexed("otter")).containsExactly(1L);
        assertThat(found("otter", 20)).containsExactly(2L, 1L);
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM sqlite_schema WHERE name LIKE 'message_search%'"
                     + " OR name = 'search_marks'")) {
            rs.next();
            assertThat(rs.getInt(1)).as("the old index is gone from the database").isZero();
        }
        db.indexSearchNow();
        assertThat(indexed("otter")).containsExactly(1L, 2L);
        assertThat(found("otter", 20)).containsExactly(2L, 1L);
    }

    @Test
    void aSearchFileAheadOfTheDatabaseIsMadeAgainAndRebuilt() throws Exception {
        open("hold");
        people();
        long one = say(ALICE, "ibex one");
        long two = say(ALICE, "ibex two");
        db.indexSearchNow();
        db.close();
        // As a restored backup leaves it: the index's marks past the database's entries.
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(SearchFile.FILE_NAME));
             Statement st = c.createStatement()) {
            st.execute("UPDATE search_marks SET indexed_seq = 1000");
        }

        open("hold");
        assertThat(indexed("ibex")).isEmpty();
        assertThat(found("ibex", 20)).containsExactly(two, one);
        db.indexSearchNow();
        assertThat(indexed("ibex")).containsExactly(one, two);
    }

    @Test
    void aDamagedSearchFileIsMadeAgainAndRebuilt() throws Exception {
        open("hold");
        people();
        long one = say(ALICE, "yak one");
        db.indexSearchNow();
        db.close();
        Path file = dir.resolve(SearchFile.FILE_NAME);
        byte[] bytes = Files.readAllBytes(file);
        for (int i = 100; i < bytes.length; i++) {
            bytes[i] = (byte) 0x5a;
        }
        Files.write(file, bytes);

        open("hold");
        assertThat(found("yak", 20)).containsExactly(one);
        db.indexSearchNow();
        assertThat(indexed("yak")).containsExactly(one);
    }
}
