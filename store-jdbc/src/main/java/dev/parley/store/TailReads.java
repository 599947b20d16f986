package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.Mention;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;

import java.util.ArrayList;
import java.util.List;

/**
 * How a read of a conversation's entries takes the hot log's tail with SQLite's rows (stage 3,
 * docs/storage.md, "The hot log"): the caller takes the view first ({@link #of}), reads SQLite's rows
 * only up to {@link #sqliteUpTo}, and adds the view's entries past them. Without a view (the log off,
 * or nothing past SQLite) every method leaves SQLite's answer as it is.
 */
final class TailReads {
    private TailReads() {
    }

    /**
     * The conversation's tail view in the database that holds it, or null when SQLite holds all its
     * entries (the log off, no view, or an empty one: rows a barrier committed past an empty view's
     * materialized seq are SQLite's, and newer than the view).
     */
    static TailView of(Database db, ConversationId id) {
        TailView view = anyOf(db, id);
        return view == null || view.entries().isEmpty() ? null : view;
    }

    /** The views that hold entries past SQLite, in no order; none with the log off. */
    static List<TailView> withEntries(Database db) {
        TailViews views = db instanceof SqliteDatabase sqlite ? sqlite.tailViews() : null;
        return views == null ? List.of() : views.withEntries();
    }

    /** The conversation's view, empty or not; null when it has none. */
    private static TailView anyOf(Database db, ConversationId id) {
        TailViews views = db instanceof SqliteDatabase sqlite ? sqlite.tailViews() : null;
        return views == null ? null : views.view(id.value());
    }

    /**
     * The conversation's last seq, given {@code sqliteLastSeq} that a SQLite read (done before this
     * call) found in {@code conversations.last_seq}: the larger of it and the view's last seq.
     */
    static long lastSeq(Database db, ConversationId id, long sqliteLastSeq) {
        TailView view = anyOf(db, id);
        return view == null ? sqliteLastSeq : Math.max(sqliteLastSeq, view.lastSeq());
    }

    /** The highest seq to read from SQLite: {@code upToSeq}, or the view's materialized seq below it. */
    static long sqliteUpTo(TailView tail, long upToSeq) {
        return tail == null ? upToSeq : Math.min(upToSeq, tail.materializedSeq());
    }

    /** {@code c} as SQLite holds it (read before this call) with the tail's last seq and activity. */
    static Conversation withTail(Database db, Conversation c) {
        return withTail(c, anyOf(db, c.id()));
    }

    /**
     * {@code c} as SQLite read it, with {@code view}'s last seq and activity when the view is past
     * it. The view's activity counts entries it has materialized since (an empty view past the read):
     * with SQLite's stale activity the conversation would sort as older than its last seq says.
     */
    static Conversation withTail(Conversation c, TailView view) {
        if (view == null || view.lastSeq() <= c.lastSeq()) {
            return c;
        }
        long activity = Math.max(c.lastActivityAt(), view.lastActivityAt());
        return new Conversation(c.id(), c.kind(), c.title(), c.createdAt(), view.lastSeq(), activity);
    }

    /** SQLite's {@code rows} (oldest first, after {@code afterSeq}) followed by the tail's, up to {@code limit}. */
    static List<Message> after(List<Message> rows, TailView tail, long afterSeq, long upToSeq, int limit) {
        if (tail == null || rows.size() >= limit) {
            return rows;
        }
        List<Message> more = tail.between(afterSeq, upToSeq);
        if (more.isEmpty()) {
            return rows;
        }
        List<Message> page = new ArrayList<>(rows);
        page.addAll(more.subList(0, Math.min(more.size(), limit - rows.size())));
        return page;
    }

    /** The tail's newest entries before {@code beforeSeq} and up to {@code upToSeq}, at most {@code limit}, oldest first. */
    static List<Message> newestBefore(TailView tail, long beforeSeq, long upToSeq, int limit) {
        if (tail == null || beforeSeq <= 1) {
            return List.of();
        }
        List<Message> all = tail.between(0, Math.min(beforeSeq - 1, upToSeq));
        return all.subList(Math.max(0, all.size() - limit), all.size());
    }

    /** The tail's texts in {@code (afterSeq, upToSeq]} that {@code reader} did not send, as {@code countUnread} counts. */
    static int unread(TailView tail, UserId reader, long afterSeq, long upToSeq) {
        if (tail == null) {
            return 0;
        }
        int n = 0;
        for (Message m : tail.between(afterSeq, upToSeq)) {
            if (m.kind() == MessageKind.TEXT && !m.senderId().equals(reader)) {
                n++;
            }
        }
        return n;
    }

    /** Whether a tail entry in {@code (afterSeq, upToSeq]} mentions {@code user}. */
    static boolean mentions(TailView tail, UserId user, long afterSeq, long upToSeq) {
        if (tail == null) {
            return false;
        }
        for (Message m : tail.between(afterSeq, upToSeq)) {
            for (Mention mention : m.mentions()) {
                if (mention.userId().equals(user)) {
                    return true;
                }
            }
        }
        return false;
    }
}
