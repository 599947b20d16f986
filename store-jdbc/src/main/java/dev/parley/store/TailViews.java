package dev.parley.store;

import dev.parley.core.message.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tail views of one SQLite database's conversations (stage 3 of the hot log, docs/storage.md,
 * "The hot log"): for each conversation with entries in the log that SQLite does not hold yet, its
 * {@link TailView}. A conversation without a view, or with an empty one, has all its entries in SQLite.
 *
 * <p>A view stays, empty, once SQLite holds its entries, so a conversation's {@link TailView#lastSeq}
 * never goes back: a reader of {@code conversations.last_seq} takes the view after its SQLite read and
 * the larger of the two, and so sees every entry published before its read. (Barriers, which write
 * SQLite directly, move {@code last_seq} past an empty view's; the larger is still right.)
 *
 * <p>Ordering: the writer publishes a batch's views ({@link #logged}) after the batch's log write
 * is durable and before it completes the batch's futures or publishes its entries, so a device that
 * was sent an entry finds it in any read it makes afterwards. The materializer replaces the views
 * ({@link #materialized}) after its SQLite transaction commits, never before: a reader that took
 * the older view still finds those seqs in it.
 *
 * <p>Threading: one writer thread publishes and replaces (the writer and, later, the materializer
 * on the same thread or one at a time); any thread reads without a lock ({@link #view}).
 */
final class TailViews {
    private final ConcurrentHashMap<Long, TailView> views = new ConcurrentHashMap<>();

    /** The conversation's view, or null when SQLite holds all its entries. */
    TailView view(long conversation) {
        return views.get(conversation);
    }

    /**
     * The writer logged {@code entries} of one conversation (oldest first, durable in the log):
     * they join its view. Without a view or with an empty one, SQLite holds the conversation up to
     * the first entry's seq minus one (a barrier may have moved it past the empty view's); with
     * entries, they must follow its last seq.
     */
    void logged(long conversation, List<Message> entries) {
        if (entries.isEmpty()) {
            return;
        }
        views.compute(conversation, (c, view) -> {
            if (view == null || view.entries().isEmpty()) {
                long after = entries.getFirst().seq() - 1;
                if (view != null && after < view.lastSeq()) {
                    throw new IllegalArgumentException("conversation " + c + " logged seq " + (after + 1)
                            + " at or before its tail's last " + view.lastSeq());
                }
                return new TailView(c, after, entries, view == null ? Long.MIN_VALUE : view.lastActivityAt());
            }
            return view.logged(entries);
        });
    }

    /**
     * SQLite committed the conversation's rows up to {@code seq}: its view keeps the entries past
     * it (none left: an empty view at {@code seq}).
     */
    void materialized(long conversation, long seq) {
        views.computeIfPresent(conversation, (c, view) -> view.materialized(seq));
    }

    /**
     * A transaction that published entries past {@code seq} rolled back (SQLite's commit failed
     * after the log write): the view keeps its entries up to {@code seq}. They were never
     * acknowledged; a reader that saw them loses them, and the writer assigns their seqs again.
     */
    void withdrawn(long conversation, long seq) {
        views.computeIfPresent(conversation, (c, view) -> seq >= view.lastSeq() ? view
                : new TailView(c, Math.min(view.materializedSeq(), seq), view.between(view.materializedSeq(), seq)));
    }

    /** The views that hold entries, in no order (each as it was when this call passed it). */
    List<TailView> withEntries() {
        List<TailView> out = new ArrayList<>();
        for (TailView view : views.values()) {
            if (!view.entries().isEmpty()) {
                out.add(view);
            }
        }
        return out;
    }

    /** How many conversations have entries past SQLite (for tests and metrics). */
    int conversationsWithEntries() {
        return withEntries().size();
    }
}
