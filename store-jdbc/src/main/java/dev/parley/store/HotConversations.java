package dev.parley.store;

import dev.parley.core.conversation.ConversationKind;

import dev.parley.core.message.Message;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the SQLite writer knows of the conversations it appends to: the last seq, the activity
 * time, the membership version and the senders found to be current members, loaded from the
 * store on first use. With it a plain append is one {@code INSERT}: no statement takes the seq
 * or checks membership, and {@code conversations.last_seq} and {@code last_activity_at} are
 * written once per conversation per transaction, just before it commits ({@link #flush}), not
 * once per append. Readers on other connections see only committed rows, so they never see the
 * difference.
 *
 * <p>Only the writer's thread uses it, and it stays true to the store by these rules:
 * <ul>
 *   <li>every write task that is not a plain append runs after {@link #flush}, so whatever it
 *       reads or moves of {@code conversations} is current (the writer calls it);</li>
 *   <li>a write that changes a conversation's members, seq or membership version otherwise than by
 *       a plain append ({@code MembershipChanges}, an append that is not plain) {@link #forget}s
 *       the conversation first, so the next append loads it again, inside the same transaction;</li>
 *   <li>a rollback {@link #clear}s everything: what was loaded or moved inside the transaction may
 *       be gone with it;</li>
 *   <li>a transaction's first use checks {@code PRAGMA data_version}, which moves when another
 *       connection (another process on the file) commits: then everything is loaded again.</li>
 * </ul>
 * Membership is only ever remembered as "is a member" (a removal forgets the conversation), so a
 * sender removed by a committed change is refused, whatever was remembered before it.
 */
final class HotConversations {
    /** At most this many conversations are remembered; past it the clean ones are dropped. */
    static final int MAX_CONVERSATIONS = 65_536;
    /** A conversation's remembered members beyond this are dropped (large groups). */
    static final int MAX_MEMBERS = 4_096;

    private static final String LOAD = "SELECT last_seq, last_activity_at, membership_version, kind"
            + " FROM conversations WHERE id = ?";
    /** Whether a user is a current member; also {@link LogReplay}'s check. */
    static final String IS_MEMBER = "SELECT 1 FROM members WHERE conversation_id = ? AND user_id = ?"
            + " AND left_seq IS NULL";
    /** A conversation's last seq and activity time, as appends leave them; also {@link LogReplay}'s. */
    static final String STORE = "UPDATE conversations SET last_seq = ?, last_activity_at ="
            + " max(last_activity_at, ?) WHERE id = ?";

    /** One conversation as the writer's transaction sees it. */
    static final class Conversation {
        final long id;
        final ConversationKind kind;
        final long membershipVersion;
        long lastSeq;
        long lastActivityAt;
        boolean dirty;
        final Set<Long> members = new HashSet<>();

        Conversation(long id, ConversationKind kind, long membershipVersion, long lastSeq, long lastActivityAt) {
            this.id = id;
            this.kind = kind;
            this.membershipVersion = membershipVersion;
            this.lastSeq = lastSeq;
            this.lastActivityAt = lastActivityAt;
        }
    }

    /** Appends that found their remembered seq taken, in this process (for tests: it stays 0). */
    private static final AtomicLong STALE = new AtomicLong();

    private final Map<Long, Conversation> byId = new HashMap<>();
    /**
     * The hot log's entries kept out of SQLite (stage 3): a conversation loaded from SQLite takes
     * its last pending entry's seq and time, which SQLite's row does not have yet; null elsewhere.
     */
    private final LoggedAppends keptOut;

    HotConversations() {
        this(null);
    }

    HotConversations(LoggedAppends keptOut) {
        this.keptOut = keptOut;
    }
    private final List<Conversation> dirty = new ArrayList<>();
    private long dataVersion = Long.MIN_VALUE;
    private boolean checkedInTransaction;

    /** The conversation, loaded if not remembered; null when it does not exist. */
    Conversation conversation(SqlSession s, long id) throws SQLException {
        checkDataVersion(s);
        Conversation c = byId.get(id);
        if (c != null) {
            return c;
        }
        PreparedStatement ps = s.prepare(LOAD);
        ps.setLong(1, id);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            c = new Conversation(id, ConversationKind.fromWire(rs.getString(4)), rs.getLong(3), rs.getLong(1),
                    rs.getLong(2));
        }
        Message last = keptOut == null ? null : keptOut.lastPending(id);
        if (last != null && last.seq() > c.lastSeq) {
            c.lastSeq = last.seq();
            c.lastActivityAt = Math.max(c.lastActivityAt, last.createdAt());
        }
        if (byId.size() >= MAX_CONVERSATIONS) {
            dropClean();
        }
        byId.put(id, c);
        return c;
    }

    /** Whether {@code user} is a current member, as this transaction sees the members. */
    boolean isMember(SqlSession s, Conversation c, long user) throws SQLException {
        if (c.members.contains(user)) {
            return true;
        }
        PreparedStatement ps = s.prepare(IS_MEMBER);
        ps.setLong(1, c.id);
        ps.setLong(2, user);
        boolean member;
        try (ResultSet rs = ps.executeQuery()) {
            member = rs.next();
        }
        if (member) {
            if (c.members.size() >= MAX_MEMBERS) {
                c.members.clear();
            }
            c.members.add(user);
        }
        return member;
    }

    /** Notes an entry inserted at {@code seq}: stored with the conversation's row at {@link #flush}. */
    void appended(Conversation c, long seq, long at) {
        c.lastSeq = seq;
        c.lastActivityAt = Math.max(c.lastActivityAt, at);
        if (!c.dirty) {
            c.dirty = true;
            dirty.add(c);
        }
    }

    /**
     * Notes an entry kept out of SQLite at {@code seq} (the hot log's stage 3): remembered, not
     * stored; SQLite's row moves when the entry's row is inserted ({@link PendingRows}).
     */
    void appendedOut(Conversation c, long seq, long at) {
        c.lastSeq = seq;
        c.lastActivityAt = Math.max(c.lastActivityAt, at);
    }

    /** Writes the last seq and activity time of every conversation appended to since the last flush. */
    void flush(SqlSession s) throws SQLException {
        if (dirty.isEmpty()) {
            return;
        }
        PreparedStatement ps = s.prepare(STORE);
        for (Conversation c : dirty) {
            ps.setLong(1, c.lastSeq);
            ps.setLong(2, c.lastActivityAt);
            ps.setLong(3, c.id);
            if (ps.executeUpdate() != 1) {
                throw new SQLException("conversation " + c.id + " vanished under the writer's appends");
            }
            c.dirty = false;
        }
        dirty.clear();
    }

    /**
     * Forgets the conversation, after {@link #flush}: a write is about to change its row or members
     * by statements of its own.
     */
    void forget(long id) {
        Conversation c = byId.remove(id);
        if (c != null && c.dirty) {
            throw new IllegalStateException("conversation " + id + " forgotten with appends not stored");
        }
    }

    /** The transaction committed (after {@link #flush}): the next one checks the data version again. */
    void committed() {
        checkedInTransaction = false;
    }

    /** The transaction rolled back: nothing remembered can be trusted. */
    void clear() {
        byId.clear();
        dirty.clear();
        checkedInTransaction = false;
        dataVersion = Long.MIN_VALUE;
    }

    static void foundStale() {
        STALE.incrementAndGet();
    }

    /** How many appends in this process found the seq they took from memory already stored. */
    static long staleSeqs() {
        return STALE.get();
    }

    /**
     * Once per transaction, before anything remembered is used: another connection's commit (a
     * second process on the file) may have changed any row, so everything is loaded again. Inside
     * the transaction the value is that of its snapshot; a commit of the other after the snapshot
     * makes this transaction's first write fail (SQLITE_BUSY_SNAPSHOT), and the rollback clears.
     */
    private void checkDataVersion(SqlSession s) throws SQLException {
        if (checkedInTransaction) {
            return;
        }
        long now;
        try (ResultSet rs = s.prepare("PRAGMA data_version").executeQuery()) {
            rs.next();
            now = rs.getLong(1);
        }
        if (now != dataVersion) {
            if (!dirty.isEmpty()) {
                throw new IllegalStateException("appends not stored across a transaction's end");
            }
            byId.clear();
            dataVersion = now;
        }
        checkedInTransaction = true;
    }

    private void dropClean() {
        byId.values().removeIf(c -> !c.dirty);
    }
}
