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
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SQLite's search index written behind the appends ({@link SearchIndexer}): an entry is found as
 * soon as its append is confirmed, before it is indexed and after, exactly once; edits and
 * deletions before and after indexing leave only the current text findable; a database closed
 * with entries not yet indexed indexes them after it opens again, and the marks survive it.
 * Indexing is held ({@link JdbcSearchStore#INDEXING_PROPERTY}) so each step is deterministic.
 */
class SqliteSearchIndexingTest {
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
    private int clientIds;

    @BeforeEach
    void open() throws Exception {
        db = openHeld();
        JdbcAccountStore accounts = new JdbcAccountStore(db);
        for (UserId u : List.of(ALICE, BOB, CAROL)) {
            accounts.createAccount(new Account(u, "u" + u.value(), "h", false, Instant.ofEpochMilli(T0)));
        }
        new JdbcConversationStore(db).openDirect(DIRECT, ALICE, BOB, T0);
    }

    @AfterEach
    void close() {
        if (db != null) {
            db.close();
        }
    }

    private SqliteDatabase openHeld() throws Exception {
        System.setProperty(JdbcSearchStore.INDEXING_PROPERTY, "hold");
        try {
            SqliteDatabase opened = SqliteDatabase.open(dir, Durability.OS, 2, 64);
            messages = new JdbcMessageStore(opened);
            search = new JdbcSearchStore(Shards.of(opened));
            return opened;
        } finally {
            System.clearProperty(JdbcSearchStore.INDEXING_PROPERTY);
        }
    }

    private long say(String text) {
        AppendResult r = Futures.await(messages.append(AppendRequest.text(DIRECT, ALICE, null, "c" + (++clientIds),
                text, T0 + clientIds)));
        return ((AppendResult.Appended) r).message().seq();
    }

    private void act(AppendRequest r) {
        assertThat(Futures.await(messages.append(r))).isInstanceOf(AppendResult.Appended.class);
    }

    private AppendRequest edit(long seq, String text) {
        return AppendRequest.edit(DIRECT, ALICE, null, "c" + (++clientIds), seq, text, T0 + clientIds, -1, 0);
    }

    private AppendRequest deletion(long seq) {
        return AppendRequest.deletion(DIRECT, ALICE, null, "c" + (++clientIds), seq, T0 + clientIds, -1);
    }

    private List<Long> found(UserId user, String... words) {
        return search.search(user, null, List.of(words), null, 50).stream().map(SearchHit::seq).toList();
    }

    /** The seqs of the conversation's entries in the index. */
    private List<Long> indexedSeqs() {
        return db.read(s -> {
            PreparedStatement ps = s.prepare("SELECT e.seq FROM message_search_entries e"
                    + " JOIN message_search f ON f.rowid = e.id WHERE e.conversation_id = ? ORDER BY e.seq");
            ps.setLong(1, DIRECT.value());
            List<Long> seqs = new java.util.ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getLong(1));
                }
            }
            return seqs;
        });
    }

    private long mark() {
        return db.read(s -> SearchIndexer.markOf(s, DIRECT.value()));
    }

    @Test
    void aConfirmedMessageIsFoundBeforeItIsIndexedAndAfterOnce() {
        long seq = say("Zebra crossing at the Café");

        assertThat(indexedSeqs()).as("not indexed yet").isEmpty();
        assertThat(found(BOB, "zeb")).containsExactly(seq);
        assertThat(found(BOB, "cafe", "cross")).containsExactly(seq);
        assertThat(found(CAROL, "zeb")).as("not a member").isEmpty();

        db.indexSearchNow();

        assertThat(indexedSeqs()).containsExactly(seq);
        assertThat(mark()).isEqualTo(seq);
        assertThat(found(BOB, "zeb")).containsExactly(seq);
        long next = say("zebra again");
        assertThat(found(BOB, "zebra")).as("one indexed, one not, newest first").containsExactly(next, seq);
    }

    @Test
    void anEditBeforeIndexingIsIndexedWithItsNewText() {
        long seq = say("quokka original");
        act(edit(seq, "wombat updated"));

        assertThat(found(BOB, "quokka")).isEmpty();
        assertThat(found(BOB, "wombat")).containsExactly(seq);
        db.indexSearchNow();
        assertThat(indexedSeqs()).containsExactly(seq);
        assertThat(found(BOB, "quokka")).isEmpty();
        assertThat(found(BOB, "wombat")).containsExactly(seq);
    }

    @Test
    void anEditAfterIndexingReplacesTheIndexedText() {
        long seq = say("quokka original");
        db.indexSearchNow();
        act(edit(seq, "wombat updated"));

        assertThat(found(BOB, "quokka")).isEmpty();
        assertThat(found(BOB, "wombat")).containsExactly(seq);
        db.indexSearchNow();
        assertThat(indexedSeqs()).containsExactly(seq);
        assertThat(found(BOB, "wombat")).containsExactly(seq);
    }

    @Test
    void aMessageDeletedBeforeOrAfterIndexingIsNotFound() {
        long early = say("platypus one");
        db.indexSearchNow();
        long late = say("platypus two");
        act(deletion(early));
        act(deletion(late));

        assertThat(found(BOB, "platypus")).isEmpty();
        db.indexSearchNow();
        assertThat(indexedSeqs()).isEmpty();
        assertThat(found(BOB, "platypus")).isEmpty();
    }

    @Test
    void entriesLeftUnindexedAtCloseAreIndexedAfterReopeningAndTheMarksSurvive() throws Exception {
        long indexed = say("ocelot first");
        db.indexSearchNow();
        long left = say("ocelot second");
        long edited = say("ocelot third");
        act(edit(edited, "ocelot edited"));
        db.close();

        db = openHeld();
        assertThat(mark()).as("the mark as committed before closing").isEqualTo(indexed);
        assertThat(indexedSeqs()).containsExactly(indexed);
        assertThat(found(BOB, "ocelot")).containsExactly(edited, left, indexed);

        db.indexSearchNow();
        assertThat(indexedSeqs()).containsExactly(indexed, left, edited);
        assertThat(mark()).as("past the edit's own entry").isEqualTo(edited + 1);
        assertThat(found(BOB, "ocelot")).containsExactly(edited, left, indexed);
        assertThat(found(BOB, "third")).isEmpty();
        db.close();

        db = openHeld();
        assertThat(mark()).isEqualTo(edited + 1);
        db.indexSearchNow();
        assertThat(indexedSeqs()).as("nothing indexed twice").containsExactly(indexed, left, edited);
    }

    @Test
    void entriesAnEarlierVersionIndexedPastTheMarkAreIndexedOnce() throws Exception {
        long seq = say("heron");
        db.close();
        // As a node before the marks did: indexed in the append, no mark moved.
        try (SqlSession s = new SqlSession(SearchFile.open(db.searchFile(), 1024), Dialect.SQLITE)) {
            MessageSearchIndex.add(s, DIRECT.value(), seq, T0, "heron");
        }

        db = openHeld();
        db.indexSearchNow();
        assertThat(indexedSeqs()).containsExactly(seq);
        assertThat(found(BOB, "heron")).containsExactly(seq);
    }

    @Test
    void aGroupMemberFindsUnindexedEntriesOnlyWithinTheirMembership() {
        ConversationId group = new ConversationId(20);
        Futures.await(messages.createGroup(group, ALICE, null, "Crew", List.of(BOB), T0));
        AppendResult before = Futures.await(messages.append(AppendRequest.text(group, ALICE, null, "g1", "ibis before",
                T0 + 1)));
        act(AppendRequest.change(group, ALICE, null, dev.parley.core.message.MessageKind.MEMBERS_ADDED,
                new dev.parley.core.message.MembershipChange.Add(List.of(CAROL), dev.parley.core.conversation.Role.MEMBER,
                        10), T0 + 2));
        AppendResult after = Futures.await(messages.append(AppendRequest.text(group, ALICE, null, "g2", "ibis after",
                T0 + 3)));
        long beforeSeq = ((AppendResult.Appended) before).message().seq();
        long afterSeq = ((AppendResult.Appended) after).message().seq();

        assertThat(found(BOB, "ibis")).containsExactly(afterSeq, beforeSeq);
        assertThat(found(CAROL, "ibis")).containsExactly(afterSeq);
        db.indexSearchNow();
        assertThat(found(BOB, "ibis")).containsExactly(afterSeq, beforeSeq);
        assertThat(found(CAROL, "ibis")).containsExactly(afterSeq);
    }

    @Test
    void plainAppendsAreIndexedFromWhatTheyKeptWithoutReadingBack() {
        db.indexSearchNow(); // the first indexing after opening looks up what an earlier run left
        long first = say("gannet one");
        long second = say("gannet two");
        db.indexSearchNow();

        assertThat(db.searchIndexer().indexedReadBack()).as("nothing read back from messages").isZero();
        assertThat(db.searchIndexer().indexedFromKept()).isEqualTo(2);
        assertThat(indexedSeqs()).containsExactly(first, second);
        assertThat(mark()).isEqualTo(second);
        assertThat(found(BOB, "gannet")).containsExactly(second, first);
    }

    @Test
    void textErasedBeforeIndexingIsNotIndexed() {
        long alice = say("lemur by alice");
        long bob = ((AppendResult.Appended) Futures.await(messages.append(AppendRequest.text(DIRECT, BOB, null, "b1",
                "lemur by bob", T0 + 100)))).message().seq();
        assertThat(messages.eraseText(DIRECT, ALICE)).isEqualTo(1);

        db.indexSearchNow();
        assertThat(indexedSeqs()).containsExactly(bob);
        assertThat(found(BOB, "lemur")).containsExactly(bob);
        assertThat(alice).isLessThan(bob);
    }

    @Test
    void entriesRetentionRemovedBeforeIndexingAreNotIndexed() {
        long old = say("marmot old");
        long kept = ((AppendResult.Appended) Futures.await(messages.append(AppendRequest.text(DIRECT, ALICE, null, "late",
                "marmot new", T0 + 1_000)))).message().seq();
        assertThat(messages.deleteOlderThan(T0 + 500)).isEqualTo(1);

        db.indexSearchNow();
        assertThat(indexedSeqs()).containsExactly(kept);
        assertThat(found(BOB, "marmot")).containsExactly(kept);
        assertThat(mark()).isEqualTo(kept);
        assertThat(old).isLessThan(kept);
    }

    @Test
    void afterAReadBackAConversationIsIndexedFromWhatItKeptAgain() {
        db.indexSearchNow();
        long seq = say("puffin original");
        act(edit(seq, "puffin edited"));
        db.indexSearchNow();
        long readBack = db.searchIndexer().indexedReadBack();
        assertThat(readBack).as("the edit sent the indexer to messages").isEqualTo(2);

        long next = say("puffin later");
        db.indexSearchNow();
        assertThat(db.searchIndexer().indexedReadBack()).isEqualTo(readBack);
        assertThat(indexedSeqs()).containsExactly(seq, next);
        assertThat(found(BOB, "original")).isEmpty();
        assertThat(found(BOB, "puffin")).containsExactly(next, seq);
    }

    /**
     * One index transaction writes the entries, index rows and marks of many conversations, each
     * kind in one statement: every entry's index row is its own text under its own id, the marks
     * reach each conversation's end, and every query answers from the index exactly as it did
     * from the entries past the marks.
     */
    @Test
    void manyConversationsIndexedTogetherAnswerExactlyAsBeforeIndexing() {
        db.indexSearchNow(); // the first indexing after opening looks up what an earlier run left
        JdbcAccountStore accounts = new JdbcAccountStore(db);
        JdbcConversationStore conversations = new JdbcConversationStore(db);
        String[] texts = {"Zebra crossing at the Café", "zebra \"quoted\" back\\slash", "東京 ramen zürich",
                "one ½ half, ﷺ ligature", "ÉCOLE école ecole", "tab\there and\nnewline", "zebra"};
        java.util.Map<String, String> indexedText = new java.util.HashMap<>();
        List<ConversationId> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 40; i++) {
            UserId other = new UserId(100 + i);
            accounts.createAccount(new Account(other, "o" + i, "h", false, Instant.ofEpochMilli(T0)));
            ConversationId c = new ConversationId(1_000 + i);
            conversations.openDirect(c, ALICE, other, T0);
            ids.add(c);
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < ids.size(); i++) {
                String text = texts[(i + round) % texts.length] + " r" + round;
                AppendResult r = Futures.await(messages.append(AppendRequest.text(ids.get(i), ALICE, null,
                        "m" + round + "-" + i, text, T0 + 10_000 - i * 7L + round * 1_000L)));
                indexedText.put(ids.get(i).value() + "/" + ((AppendResult.Appended) r).message().seq(),
                        dev.parley.core.search.SearchText.indexed(text));
            }
        }
        List<List<String>> queries = List.of(List.of("zeb"), List.of("zebra", "cross"), List.of("cafe"),
                List.of("quoted", "slash"), List.of("東"), List.of("ramen", "zur"), List.of("ecole"), List.of("r1"),
                List.of("newline"), List.of("half"), List.of("ligature"), List.of("1"));
        List<List<SearchHit>> before = queries.stream().map(q -> search.search(ALICE, null, q, null, 200)).toList();
        assertThat(before.getFirst()).as("the tail finds them").isNotEmpty();

        db.indexSearchNow();

        assertThat(db.searchIndexer().indexedFromKept()).isEqualTo(3L * ids.size());
        java.util.Map<String, String> inIndex = db.read(s -> {
            java.util.Map<String, String> rows = new java.util.HashMap<>();
            try (ResultSet rs = s.prepare("SELECT e.conversation_id, e.seq, f.text FROM message_search_entries e"
                    + " JOIN message_search f ON f.rowid = e.id").executeQuery()) {
                while (rs.next()) {
                    rows.put(rs.getLong(1) + "/" + rs.getLong(2), rs.getString(3));
                }
            }
            return rows;
        });
        assertThat(inIndex).as("each entry's own text under its id").isEqualTo(indexedText);
        for (ConversationId c : ids) {
            long mark = db.read(s -> SearchIndexer.markOf(s, c.value()));
            assertThat(mark).isEqualTo(3);
        }
        List<List<SearchHit>> after = queries.stream().map(q -> search.search(ALICE, null, q, null, 200)).toList();
        assertThat(after).isEqualTo(before);
        List<Long> rowidsByTime = db.read(s -> {
            List<Long> created = new java.util.ArrayList<>();
            try (ResultSet rs = s.prepare("SELECT created_at FROM message_search_entries ORDER BY id").executeQuery()) {
                while (rs.next()) {
                    created.add(rs.getLong(1));
                }
            }
            return created;
        });
        assertThat(rowidsByTime).as("ids in time order").isSorted();
    }

    /** More conversations than one statement reads the ends of: each chunk's marks and entries are right. */
    @Test
    void conversationsBeyondOneReadOfEndsAreIndexedInTheSameTransaction() {
        db.indexSearchNow();
        JdbcAccountStore accounts = new JdbcAccountStore(db);
        JdbcConversationStore conversations = new JdbcConversationStore(db);
        int n = SearchIndexer.ENDS_PER_STATEMENT + 7;
        List<java.util.concurrent.CompletableFuture<AppendResult>> sent = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            UserId other = new UserId(10_000 + i);
            accounts.createAccount(new Account(other, "p" + i, "h", false, Instant.ofEpochMilli(T0)));
            ConversationId c = new ConversationId(20_000 + i);
            conversations.openDirect(c, ALICE, other, T0);
            sent.add(messages.append(AppendRequest.text(c, ALICE, null, "x" + i, "albatross number" + i, T0 + i)));
        }
        sent.forEach(Futures::await);

        db.indexSearchNow();

        long marked = db.read(s -> {
            try (ResultSet rs = s.prepare("SELECT count(*) FROM search_marks WHERE conversation_id >= 20000"
                    + " AND indexed_seq = 1").executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        });
        assertThat(marked).isEqualTo(n);
        assertThat(found(ALICE, "albatross")).hasSize(50);
        assertThat(search.search(ALICE, null, List.of("number" + (n - 1)), null, 5)).singleElement()
                .satisfies(h -> assertThat(h.conversationId()).isEqualTo(new ConversationId(20_000 + n - 1)));
        assertThat(db.searchIndexer().waiting()).isZero();
    }

    @Test
    void retentionAndErasureOfIndexedConversationsLeaveNothingKept() {
        db.indexSearchNow();
        say("kestrel old");
        Futures.await(messages.append(AppendRequest.text(DIRECT, BOB, null, "b1", "kestrel by bob", T0 + 1_000)));
        db.indexSearchNow();
        assertThat(db.searchIndexer().tails()).isZero();

        assertThat(messages.deleteOlderThan(T0 + 500)).isEqualTo(1);
        assertThat(messages.eraseText(DIRECT, BOB)).isEqualTo(1);
        Futures.await(db.writer().submit(s -> null)); // a batch after theirs: the writer forgot them between
        assertThat(db.searchIndexer().tails()).isZero();
        assertThat(found(BOB, "kestrel")).isEmpty();
    }
}
