package dev.parley.store;

import dev.parley.core.message.Message;

import java.util.ArrayList;
import java.util.List;

/**
 * Stage 3 of the hot log (docs/storage.md, "The hot log"): one conversation's entries that are in
 * the log and not yet in SQLite, as the writer last published them. Immutable, so any thread reads
 * it without a lock. SQLite holds the conversation's rows up to {@code materializedSeq}; the
 * entries follow it without a gap ({@code materializedSeq + 1}, {@code + 2}, ...), each a plain
 * text append (no reply, attachment or reaction: those are barriers, written to SQLite first), so
 * a {@link Message} carries all a read needs of it (seq, time, sender, device, client id, body,
 * kind, mentions).
 *
 * <p>A reader takes the view, then its SQLite read, and uses SQLite's rows only up to
 * {@code materializedSeq}: rows past it that committed after the view was taken are in the view
 * too, so each seq is read from exactly one side.
 */
record TailView(long conversation, long materializedSeq, List<Message> entries, long lastActivityAt) {

    /**
     * {@code lastActivityAt}: the latest time of any entry the view has held, materialized ones
     * included (at least its entries' latest), so a reader whose SQLite read came before the rows
     * went in still gets their time when it takes the view's last seq ({@link TailReads#withTail}).
     */
    TailView {
        entries = List.copyOf(entries);
        long expected = materializedSeq + 1;
        for (Message m : entries) {
            if (m.conversationId().value() != conversation || m.seq() != expected) {
                throw new IllegalArgumentException("a tail's entries follow its materialized seq without a gap: "
                        + "expected seq " + expected + " of conversation " + conversation + ", got " + m.seq()
                        + " of " + m.conversationId().value());
            }
            expected++;
            lastActivityAt = Math.max(lastActivityAt, m.createdAt());
        }
    }

    /** A view whose latest activity is that of its entries. */
    TailView(long conversation, long materializedSeq, List<Message> entries) {
        this(conversation, materializedSeq, entries, Long.MIN_VALUE);
    }

    /** The last seq the view holds: its last entry's, or the materialized seq when it holds none. */
    long lastSeq() {
        return materializedSeq + entries.size();
    }

    /** This view with {@code more} logged after its entries. */
    TailView logged(List<Message> more) {
        List<Message> all = new ArrayList<>(entries.size() + more.size());
        all.addAll(entries);
        all.addAll(more);
        return new TailView(conversation, materializedSeq, all, lastActivityAt);
    }

    /** This view once SQLite holds the rows up to {@code seq}: the entries past it. */
    TailView materialized(long seq) {
        if (seq <= materializedSeq) {
            return this;
        }
        if (seq > lastSeq()) {
            throw new IllegalArgumentException("materialized seq " + seq + " of conversation " + conversation
                    + " past the tail's last " + lastSeq());
        }
        return new TailView(conversation, seq, entries.subList((int) (seq - materializedSeq), entries.size()),
                lastActivityAt);
    }

    /** The entries with {@code afterSeq < seq <= upToSeq}, oldest first. */
    List<Message> between(long afterSeq, long upToSeq) {
        long from = Math.max(afterSeq + 1, materializedSeq + 1);
        long to = Math.min(upToSeq, lastSeq());
        if (from > to) {
            return List.of();
        }
        return entries.subList((int) (from - materializedSeq - 1), (int) (to - materializedSeq));
    }
}
