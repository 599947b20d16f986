package dev.parley.store;

import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;

import java.util.ArrayList;
import java.util.List;

/**
 * What the writer tells the search indexer ({@link SearchIndexer}, on its own thread): entries
 * committed, conversations whose entries a committed write changed, kept-out rows gone into SQLite.
 * Used only on the writer's thread: notes are kept here in commit order and handed over once per
 * batch, after its commit ({@link #handOver}), so the indexer never sees a write that may still roll
 * back, and the writer pays one hand-over per batch rather than one per entry.
 */
final class SearchNotes {
    /** A note, in commit order. */
    sealed interface Note {
    }

    /** An entry committed: its text folded for the index (null when not indexed). */
    record Appended(long conversation, long seq, long createdAt, String text, boolean action) implements Note {
    }

    /** A committed write changed or removed entries of the conversation (erasure, retention). */
    record Changed(long conversation) implements Note {
    }

    /** The hot log's kept-out rows of the conversation were committed to SQLite. */
    record Materialized(long conversation) implements Note {
    }

    private final SearchIndexing indexing;
    private List<Note> notes = new ArrayList<>();
    /** Conversations changed by the running batch, noted once it committed. */
    private final List<Long> changing = new ArrayList<>();

    SearchNotes(SearchIndexing indexing) {
        this.indexing = indexing;
    }

    /** Once the append's transaction committed, with the text folded for it. */
    void appended(Message m, String text) {
        notes.add(new Appended(m.conversationId().value(), m.seq(), m.createdAt(), text,
                m.kind() == MessageKind.EDITED || m.kind() == MessageKind.DELETED));
    }

    /**
     * In a write's task: it changes or removes the conversation's entries. Noted when the batch
     * commits ({@link #handOver}); a rollback only costs the indexer a read-back.
     */
    void changed(long conversation) {
        changing.add(conversation);
    }

    /** Once the kept-out rows of the conversation were committed to SQLite. */
    void materialized(long conversation) {
        notes.add(new Materialized(conversation));
    }

    /** Between batches: hands what was noted to the indexer. */
    void handOver() {
        for (long conversation : changing) {
            notes.add(new Changed(conversation));
        }
        changing.clear();
        if (!notes.isEmpty()) {
            indexing.take(notes);
            notes = new ArrayList<>();
        }
    }

    /** Up to which {@code search_purges} row the index was purged and committed. */
    long purgedUpTo() {
        return indexing.purgedUpTo();
    }
}
