package dev.parley.store;

import dev.parley.core.account.Account;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationEntry;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ListCursor;
import dev.parley.core.conversation.UserConversation;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.Mention;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.sync.CatchUpReader;
import dev.parley.core.sync.ResumeStep;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static dev.parley.store.TailViewsTest.seqs;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stage 3 of the hot log: the store's reads of a conversation's entries and of its last seq take
 * the log's tail (entries published in a {@link TailView} that SQLite does not hold yet) with
 * SQLite's rows, each seq once and without a gap. SQLite holds seqs 1–3; the tail holds 4–6 (the
 * writer materializes in the same batch, so its views are empty between batches: the test publishes
 * a tail, and writes rows past it straight to SQLite, as a deferred materializer would).
 */
class SqliteTailReadsTest {
    private static final long T0 = 1_767_225_600_000L;
    private static final UserId ALICE = new UserId(1);
    private static final UserId BOB = new UserId(2);
    private static final ConversationId DIRECT = new ConversationId(10);

    @TempDir
    Path dir;
    private SqliteDatabase db;
    private JdbcMessageStore messages;
    private JdbcConversationStore conversations;

    @BeforeEach
    void setUp() throws Exception {
        db = SqliteDatabase.open(dir, Durability.OS, 2, 64, true);
        JdbcAccountStore accounts = new JdbcAccountStore(db);
        for (UserId u : List.of(ALICE, BOB)) {
            accounts.createAccount(new Account(u, "u" + u.value(), "h", false, Instant.ofEpochMilli(T0)));
        }
        conversations = new JdbcConversationStore(db);
        conversations.openDirect(DIRECT, ALICE, BOB, T0);
        messages = new JdbcMessageStore(db);
        for (int i = 1; i <= 3; i++) {
            append("sqlite " + i);
        }
        db.tailViews().logged(DIRECT.value(), List.of(tail(4, null), tail(5, BOB), tail(6, null)));
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    @Test
    void rangeReadsSqliteThenTheTail() {
        assertThat(bodies(messages.range(DIRECT, 0, 6, 50)))
                .containsExactly("sqlite 1", "sqlite 2", "sqlite 3", "tail 4", "tail 5", "tail 6");
        assertThat(seqs(messages.range(DIRECT, 2, 5, 50))).containsExactly(3L, 4L, 5L);
        assertThat(seqs(messages.range(DIRECT, 0, 6, 4))).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seqs(messages.range(DIRECT, 4, 6, 50))).containsExactly(5L, 6L);
        assertThat(messages.range(DIRECT, 6, 6, 50)).isEmpty();
    }

    @Test
    void beforeReadsTheTailThenSqlite() {
        assertThat(seqs(messages.before(DIRECT, 7, 6, 4))).containsExactly(3L, 4L, 5L, 6L);
        assertThat(seqs(messages.before(DIRECT, 7, 6, 2))).containsExactly(5L, 6L);
        assertThat(seqs(messages.before(DIRECT, 5, 6, 10))).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seqs(messages.before(DIRECT, 7, 5, 10))).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(seqs(messages.before(DIRECT, 3, 6, 10))).containsExactly(1L, 2L);
    }

    @Test
    void unreadCountsAndMentionsTakeTheTail() {
        assertThat(messages.countUnread(DIRECT, BOB, 0, 6, 100)).isEqualTo(6);
        assertThat(messages.countUnread(DIRECT, BOB, 2, 6, 100)).isEqualTo(4);
        assertThat(messages.countUnread(DIRECT, BOB, 0, 6, 5)).as("capped").isEqualTo(5);
        assertThat(messages.countUnread(DIRECT, ALICE, 0, 6, 100)).as("her own").isZero();
        assertThat(messages.mentions(DIRECT, BOB, 3, 6)).isTrue();
        assertThat(messages.mentions(DIRECT, BOB, 5, 6)).isFalse();
        assertThat(messages.mentions(DIRECT, ALICE, 0, 6)).isFalse();
    }

    @Test
    void aConversationsLastSeqAndActivityTakeTheTail() {
        assertThat(conversations.find(DIRECT)).get().satisfies(c -> {
            assertThat(c.lastSeq()).isEqualTo(6);
            assertThat(c.lastActivityAt()).isEqualTo(T0 + 6);
        });
    }

    /** The tail's activity moves its conversation up the user's list, and pages follow it. */
    @Test
    void listForUserOrdersAndPagesByTheTailsActivity() {
        UserId carol = new UserId(3);
        new JdbcAccountStore(db).createAccount(new Account(carol, "u3", "h", false, Instant.ofEpochMilli(T0)));
        ConversationId other = new ConversationId(11);
        conversations.openDirect(other, BOB, carol, T0);
        AppendResult r = Futures.await(messages.append(AppendRequest.text(other, carol, null, "c-other", "o", T0 + 5)));
        assertThat(r).isInstanceOf(AppendResult.Appended.class);

        List<ConversationEntry> all = conversations.listForUser(BOB, null, 10);
        assertThat(all).extracting(e -> e.conversation().id()).containsExactly(DIRECT, other);
        assertThat(all.getFirst().conversation().lastSeq()).isEqualTo(6);
        assertThat(all.getFirst().conversation().lastActivityAt()).isEqualTo(T0 + 6);
        List<ConversationEntry> first = conversations.listForUser(BOB, null, 1);
        assertThat(first).extracting(e -> e.conversation().id()).containsExactly(DIRECT);
        ListCursor cursor = new ListCursor(T0 + 6, DIRECT.value());
        assertThat(conversations.listForUser(BOB, cursor, 1)).extracting(e -> e.conversation().id())
                .containsExactly(other);
        assertThat(conversations.listForUser(BOB, new ListCursor(T0 + 5, other.value()), 1)).isEmpty();
    }

    @Test
    void catchUpResumesThroughTheTail() {
        assertThat(conversations.conversationsOf(BOB)).extracting(UserConversation::lastSeq).containsExactly(6L);
        List<ResumeStep> steps = new ArrayList<>();
        new CatchUpReader(conversations, messages, null, 1_000).resume(BOB, Map.of(DIRECT.value(), 2L), steps::add);
        List<Long> sent = new ArrayList<>();
        for (ResumeStep step : steps) {
            if (step instanceof ResumeStep.Entries e) {
                sent.addAll(seqs(e.entries()));
            }
        }
        assertThat(sent).containsExactly(3L, 4L, 5L, 6L);
    }

    /**
     * Rows committed past a view's materialized seq after a reader took it are read from the view
     * only; once the view is replaced after materialization, from SQLite.
     */
    @Test
    void eachSeqIsReadFromOneSideAcrossMaterialization() {
        for (int i = 4; i <= 6; i++) {
            materialize(i);
        }
        assertThat(bodies(messages.range(DIRECT, 0, 6, 50)))
                .containsExactly("sqlite 1", "sqlite 2", "sqlite 3", "tail 4", "tail 5", "tail 6");
        assertThat(seqs(messages.before(DIRECT, 7, 6, 50))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(messages.countUnread(DIRECT, BOB, 0, 6, 100)).isEqualTo(6);

        db.tailViews().materialized(DIRECT.value(), 6);
        assertThat(bodies(messages.range(DIRECT, 0, 6, 50)))
                .containsExactly("sqlite 1", "sqlite 2", "sqlite 3", "sqlite 4", "sqlite 5", "sqlite 6");
        assertThat(conversations.conversationsOf(BOB)).extracting(UserConversation::lastSeq).containsExactly(6L);
    }

    /**
     * The writer's own order (log, publish to the tail, commit to SQLite, mark materialized, then
     * acknowledge) against a reader on another thread: every read is gap-free from seq 1 and holds
     * every entry acknowledged before it began, with its last seq.
     */
    @Test
    void aConcurrentReaderSeesEveryAcknowledgedEntryWithoutAGap() throws Exception {
        for (int i = 4; i <= 6; i++) {
            materialize(i);
        }
        db.tailViews().materialized(DIRECT.value(), 6);
        AtomicLong acknowledged = new AtomicLong(6);
        AtomicBoolean done = new AtomicBoolean();
        List<String> wrong = new CopyOnWriteArrayList<>();
        AtomicLong reads = new AtomicLong();
        Thread reader = Thread.ofPlatform().start(() -> {
            while (!done.get() || reads.get() == 0) {
                long before = acknowledged.get();
                List<Long> seqs = seqs(messages.range(DIRECT, 0, Long.MAX_VALUE, 1_000));
                long lastSeq = conversations.conversationsOf(BOB).getFirst().lastSeq();
                for (int i = 0; i < seqs.size(); i++) {
                    if (seqs.get(i) != i + 1) {
                        wrong.add("a gap or a repeat at " + i + ": " + seqs);
                        break;
                    }
                }
                if (seqs.size() < before || lastSeq < before) {
                    wrong.add("read " + seqs.size() + " entries and last seq " + lastSeq + " after " + before
                            + " were acknowledged");
                }
                reads.incrementAndGet();
            }
        });
        for (int round = 0; round < 40; round++) {
            List<java.util.concurrent.CompletableFuture<AppendResult>> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sent.add(messages.append(AppendRequest.text(DIRECT, ALICE, null, "c-" + round + "-" + i, "b", T0)));
            }
            for (var f : sent) {
                AppendResult r = Futures.await(f);
                assertThat(r).isInstanceOf(AppendResult.Appended.class);
                acknowledged.accumulateAndGet(((AppendResult.Appended) r).message().seq(), Math::max);
            }
        }
        done.set(true);
        reader.join();
        assertThat(wrong).isEmpty();
        assertThat(reads.get()).isPositive();
        assertThat(acknowledged.get()).isEqualTo(6 + 120);
        assertThat(db.tailViews().conversationsWithEntries()).as("SQLite holds every acknowledged entry").isZero();
    }

    /**
     * The writer publishes its logged appends: after the batch completes, SQLite holds them and the
     * conversation's view is empty at their last seq.
     */
    @Test
    void theWriterPublishesAndMaterializesItsAppends() {
        for (int i = 4; i <= 6; i++) {
            materialize(i);
        }
        db.tailViews().materialized(DIRECT.value(), 6);
        append("logged 7");
        append("logged 8");
        TailView view = db.tailViews().view(DIRECT.value());
        assertThat(view.entries()).isEmpty();
        assertThat(view.lastSeq()).isEqualTo(8);
        assertThat(bodies(messages.range(DIRECT, 6, 8, 50))).containsExactly("logged 7", "logged 8");
    }

    /** Writes the tail's row {@code seq} straight to SQLite (not through the log), as materialization will. */
    private void materialize(long seq) {
        Message m = tail(seq, null);
        Futures.await(db.write(DIRECT.value(), s -> {
            s.hot().forget(DIRECT.value());
            java.sql.PreparedStatement insert = s.prepare(MessageRows.INSERT);
            MessageRows.bind(insert, new Message(DIRECT, seq, m.createdAt(), ALICE, null, "s" + seq, MessageKind.TEXT,
                    "sqlite " + seq, null, null, null, 0, null, 0, List.of(), 0, 0, null, List.of()));
            insert.executeUpdate();
            java.sql.PreparedStatement store = s.prepare(HotConversations.STORE);
            store.setLong(1, seq);
            store.setLong(2, m.createdAt());
            store.setLong(3, DIRECT.value());
            store.executeUpdate();
            return null;
        }, r -> { }));
    }

    private void append(String body) {
        // A client id the log takes (no spaces), so the writer logs and publishes the entry.
        String clientId = "c-" + body.replace(' ', '-');
        AppendResult r = Futures.await(messages.append(AppendRequest.text(DIRECT, ALICE, null, clientId, body, T0)));
        assertThat(r).isInstanceOf(AppendResult.Appended.class);
    }

    private static Message tail(long seq, UserId mentioned) {
        List<Mention> mentions = mentioned == null ? List.of() : List.of(new Mention(mentioned, 0, 4));
        return new Message(DIRECT, seq, T0 + seq, ALICE, null, "t" + seq, MessageKind.TEXT, "tail " + seq, null,
                null, null, 0, null, 0, List.of(), 0, 0, null, mentions);
    }

    private static List<String> bodies(List<Message> page) {
        return page.stream().map(Message::body).toList();
    }
}
