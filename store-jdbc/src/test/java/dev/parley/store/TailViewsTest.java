package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rules of the hot log's tail views (stage 3): no gap after SQLite's rows, replacement, never going back. */
class TailViewsTest {
    private static final long C = 10;

    @Test
    void theFirstLoggedEntriesFollowWhatSqliteHolds() {
        TailViews views = new TailViews();
        assertThat(views.view(C)).isNull();
        views.logged(C, entries(6, 8));
        TailView view = views.view(C);
        assertThat(view.materializedSeq()).isEqualTo(5);
        assertThat(seqs(view.entries())).containsExactly(6L, 7L, 8L);
        assertThat(view.lastSeq()).isEqualTo(8);
        assertThat(views.conversationsWithEntries()).isEqualTo(1);
    }

    @Test
    void laterEntriesJoinTheViewOnlyWithoutAGap() {
        TailViews views = new TailViews();
        views.logged(C, entries(6, 7));
        views.logged(C, entries(8, 9));
        assertThat(seqs(views.view(C).entries())).containsExactly(6L, 7L, 8L, 9L);
        assertThatThrownBy(() -> views.logged(C, entries(11, 11))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> views.logged(C, entries(9, 9))).isInstanceOf(IllegalArgumentException.class);
        assertThat(views.view(C).lastSeq()).as("a refused publication leaves the view").isEqualTo(9);
    }

    @Test
    void aViewIsImmutableAndReplacedNotChanged() {
        TailViews views = new TailViews();
        views.logged(C, entries(1, 2));
        TailView taken = views.view(C);
        views.logged(C, entries(3, 3));
        views.materialized(C, 2);
        assertThat(seqs(taken.entries())).as("a reader's view stays as it took it").containsExactly(1L, 2L);
        assertThat(taken.materializedSeq()).isZero();
        assertThat(views.view(C)).isNotSameAs(taken);
        assertThatThrownBy(() -> taken.entries().add(entry(9))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void materializationKeepsTheEntriesPastItAndTheLastSeq() {
        TailViews views = new TailViews();
        views.logged(C, entries(6, 10));
        views.materialized(C, 8);
        TailView view = views.view(C);
        assertThat(view.materializedSeq()).isEqualTo(8);
        assertThat(seqs(view.entries())).containsExactly(9L, 10L);
        views.materialized(C, 7);
        assertThat(views.view(C)).as("an older materialization changes nothing").isSameAs(view);
        views.materialized(C, 10);
        assertThat(views.view(C).entries()).isEmpty();
        assertThat(views.view(C).lastSeq()).as("an empty view keeps its last seq").isEqualTo(10);
        assertThat(views.conversationsWithEntries()).isZero();
        assertThatThrownBy(() -> views.materialized(C, 11)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void afterAnEmptyViewTheNextEntriesMayFollowABarriersRows() {
        TailViews views = new TailViews();
        views.logged(C, entries(1, 3));
        views.materialized(C, 3);
        // A barrier (a membership change) wrote seq 4 to SQLite directly.
        views.logged(C, entries(5, 6));
        assertThat(views.view(C).materializedSeq()).isEqualTo(4);
        assertThat(seqs(views.view(C).entries())).containsExactly(5L, 6L);
        views.materialized(C, 6);
        assertThatThrownBy(() -> views.logged(C, entries(6, 6))).as("never back past the last seq")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void betweenTakesOnlyTheTailsPartOfARange() {
        TailView view = new TailView(C, 5, entries(6, 10));
        assertThat(seqs(view.between(0, 100))).containsExactly(6L, 7L, 8L, 9L, 10L);
        assertThat(seqs(view.between(7, 9))).containsExactly(8L, 9L);
        assertThat(view.between(10, 20)).isEmpty();
        assertThat(view.between(0, 5)).isEmpty();
        assertThatThrownBy(() -> new TailView(C, 5, List.of(entry(7)))).isInstanceOf(IllegalArgumentException.class);
    }

    /** A rolled-back publication is withdrawn: the view keeps what came before it, and the seqs can be logged again. */
    @Test
    void aWithdrawnPublicationLeavesTheEntriesBeforeIt() {
        TailViews views = new TailViews();
        views.logged(C, entries(6, 7));
        views.logged(C, entries(8, 9));
        views.withdrawn(C, 7);
        assertThat(seqs(views.view(C).entries())).containsExactly(6L, 7L);
        views.materialized(C, 7);
        views.logged(C, entries(8, 8));
        views.withdrawn(C, 7);
        assertThat(views.view(C).entries()).isEmpty();
        assertThat(views.view(C).lastSeq()).isEqualTo(7);
        views.logged(C, entries(8, 8));
        assertThat(seqs(views.view(C).entries())).containsExactly(8L);
    }

    /**
     * A reader whose SQLite read came before the rows went in, and whose view comes after: the
     * view is empty, past the read, and still gives the time of the rows it held, so the
     * conversation does not sort as older than its last seq says (the conversation list's order).
     */
    @Test
    void anEmptyViewPastAStaleReadKeepsTheTimeOfTheRowsItMaterialized() {
        TailViews views = new TailViews();
        views.logged(C, entries(6, 8));
        Conversation readBefore = new Conversation(new ConversationId(C), ConversationKind.DIRECT, null, 0, 5, 1_005);
        views.materialized(C, 8);
        TailView now = views.view(C);
        assertThat(now.entries()).isEmpty();
        assertThat(now.lastActivityAt()).isEqualTo(1_008);
        Conversation merged = TailReads.withTail(readBefore, now);
        assertThat(merged.lastSeq()).isEqualTo(8);
        assertThat(merged.lastActivityAt()).as("the materialized rows' time, not the stale read's").isEqualTo(1_008);

        views.logged(C, entries(9, 9));
        views.materialized(C, 9);
        assertThat(views.view(C).lastActivityAt()).isEqualTo(1_009);
        assertThat(TailReads.withTail(readBefore, null)).isSameAs(readBefore);
    }

    static List<Message> entries(long first, long last) {
        List<Message> out = new ArrayList<>();
        for (long seq = first; seq <= last; seq++) {
            out.add(entry(seq));
        }
        return out;
    }

    private static Message entry(long seq) {
        return new Message(new ConversationId(C), seq, 1_000 + seq, new UserId(1), null, "c" + seq,
                MessageKind.TEXT, "hello " + seq, null, null, null, 0, null);
    }

    static List<Long> seqs(List<Message> messages) {
        return messages.stream().map(Message::seq).toList();
    }
}
