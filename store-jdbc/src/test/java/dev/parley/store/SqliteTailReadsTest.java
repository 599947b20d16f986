package dev.parley.store;

import dev.parley.core.account.Account;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
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
 * writer does not publish views yet, so the test publishes them as the writer will).
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
            append("sqlite " + i);
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
     * The writer's order (publish to the tail, commit to SQLite, replace the view) run against a
     * reader on another thread: every read is gap-free from seq 1 and holds every seq published
     * before it began.
     */
    @Test
    void aConcurrentReaderSeesEveryPublishedSeqOnceWithoutAGap() throws Exception {
        for (int i = 4; i <= 6; i++) {
            append("sqlite " + i);
        }
        db.tailViews().materialized(DIRECT.value(), 6);
        AtomicLong published = new AtomicLong(6);
        AtomicBoolean done = new AtomicBoolean();
        List<String> wrong = new CopyOnWriteArrayList<>();
        AtomicLong reads = new AtomicLong();
        Thread reader = Thread.ofPlatform().start(() -> {
            while (!done.get() || reads.get() == 0) {
                long before = published.get();
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
                            + " were published");
                }
                reads.incrementAndGet();
            }
        });
        for (long seq = 7; seq <= 120; seq++) {
            db.tailViews().logged(DIRECT.value(), List.of(tail(seq, null)));
            published.set(seq);
            append("sqlite " + seq);
            db.tailViews().materialized(DIRECT.value(), seq);
        }
        done.set(true);
        reader.join();
        assertThat(wrong).isEmpty();
        assertThat(reads.get()).isPositive();
    }

    private void append(String body) {
        AppendResult r = Futures.await(messages.append(AppendRequest.text(DIRECT, ALICE, null, "c-" + body, body, T0)));
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
