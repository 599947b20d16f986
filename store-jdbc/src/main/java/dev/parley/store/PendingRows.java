package dev.parley.store;

import dev.parley.core.message.Message;
import dev.parley.store.hotlog.LogPosition;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The acknowledged plain appends whose rows SQLite does not hold yet (docs/storage.md, "The hot
 * log", stage 3): the hot log holds them and the tail views serve them to readers; the writer
 * keeps them here, per conversation in seq order, until it inserts them ({@link #insert}), a
 * slice of conversations at a time, each conversation's entries together, so the pages they touch
 * are written once for all of them.
 *
 * <p>Also what the writer's appends need while the rows are out: a conversation's last seq and
 * activity ({@link HotConversations} loads SQLite's and takes the larger), and a client id's
 * original entry ({@link #original}), so a retry finds it before SQLite does.
 *
 * <p>Threading: the writer's thread only.
 */
final class PendingRows {
    /** One pending entry: the message and where the log holds its record. */
    record Row(Message message, long ordinal, LogPosition at, long addedNanos) {
    }

    /** A client id as the store keeps it unique: per conversation and sender. */
    record ClientKey(long conversation, long sender, String clientId) {
        static ClientKey of(Message m) {
            return new ClientKey(m.conversationId().value(), m.senderId().value(), m.clientId());
        }
    }

    /** Per conversation its pending entries, the conversation first pending longest ago first. */
    private final LinkedHashMap<Long, List<Row>> byConversation = new LinkedHashMap<>();
    private final Map<ClientKey, Message> byClientId = new HashMap<>();
    private int size;
    /** Entries added so far (the pace follows it). */
    private long added;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Adds acknowledged entries, in seq order per conversation. */
    void add(Row row) {
        Message m = row.message();
        byConversation.computeIfAbsent(m.conversationId().value(), c -> new ArrayList<>(8)).add(row);
        if (m.clientId() != null) {
            byClientId.put(ClientKey.of(m), m);
        }
        size++;
        added++;
    }

    /** The pending entry under this client id, or null. */
    Message original(long conversation, long sender, String clientId) {
        return byClientId.isEmpty() ? null : byClientId.get(new ClientKey(conversation, sender, clientId));
    }

    /** The conversation's last pending entry, or null when SQLite holds all of it. */
    Message last(long conversation) {
        List<Row> rows = byConversation.get(conversation);
        return rows == null ? null : rows.getLast().message();
    }

    /** When the oldest pending entry came (its conversation is first in the order); 0 when none is. */
    long oldestNanos() {
        return byConversation.isEmpty() ? 0 : byConversation.firstEntry().getValue().getFirst().addedNanos();
    }

    /** The conversation's pending entries. */
    int count(long conversation) {
        List<Row> rows = byConversation.get(conversation);
        return rows == null ? 0 : rows.size();
    }

    /**
     * The conversations a slice between batches inserts at {@code nowNanos}, at most {@code most}: at
     * the {@code pace}, and those due by the other {@code rules} ({@link Materialization}).
     */
    List<Long> slice(long nowNanos, Materialization rules, MaterializationPace pace, int most) {
        long budget = pace.budget(nowNanos, oldestNanos(), size, added);
        List<Long> due = due(nowNanos, 2 * rules.everyNanos(), rules.maxPending(), budget, most);
        int rows = 0;
        for (Long c : due) {
            rows += count(c);
        }
        pace.spent(rows);
        return due;
    }

    /** Every conversation with pending entries, the oldest first. */
    List<Long> all() {
        return new ArrayList<>(byConversation.keySet());
    }

    /**
     * The conversations whose entries are due, oldest first, at most {@code most}: those first
     * pending at least {@code maxAgeNanos} ago (0: no such rule), the oldest others while more than
     * {@code maxPending} entries wait, then the oldest others while {@code budget} entries last
     * (each conversation whole).
     */
    List<Long> due(long nowNanos, long maxAgeNanos, int maxPending, long budget, int most) {
        List<Long> due = new ArrayList<>();
        int left = size;
        long unspent = budget;
        for (Map.Entry<Long, List<Row>> e : byConversation.entrySet()) {
            int n = e.getValue().size();
            boolean old = maxAgeNanos > 0 && nowNanos - e.getValue().getFirst().addedNanos() >= maxAgeNanos;
            if ((!old && left <= maxPending && unspent <= 0) || due.size() >= most) {
                break;
            }
            due.add(e.getKey());
            left -= n;
            unspent -= n;
        }
        return due;
    }

    /**
     * Inserts the conversation's pending entries as the writer's plain append does, and its last
     * seq and activity, in the caller's transaction; returns the last seq inserted. They stay
     * pending until {@link #materialized} (the transaction may roll back).
     */
    long insert(SqlSession s, long conversation) throws SQLException {
        List<Row> rows = byConversation.get(conversation);
        long lastSeq = 0;
        long lastActivity = 0;
        for (Row row : rows) {
            Message m = row.message();
            insertRow(s, m);
            lastSeq = m.seq();
            lastActivity = Math.max(lastActivity, m.createdAt());
        }
        storeEnd(s, conversation, lastSeq, lastActivity);
        return lastSeq;
    }

    /** Inserts a plain text entry's row and mentions as the writer's plain append does. */
    static void insertRow(SqlSession s, Message m) throws SQLException {
        PreparedStatement ins = s.prepare(MessageRows.INSERT_NEW);
        MessageRows.bind(ins, m);
        ins.setNull(12, java.sql.Types.BIGINT);
        ins.setString(13, MessageRows.formatMentions(m.mentions()));
        if (ins.executeUpdate() != 1) {
            // The writer checked the client id and took the seq; SQLite disagreeing is a bug, and
            // the transaction rolls back with the entries still pending.
            throw new SQLException("kept-out entry " + m.seq() + " of conversation " + m.conversationId().value()
                    + " does not fit SQLite's rows");
        }
        JdbcMessageStore.insertMentions(s, m.conversationId(), m.mentions(), m.seq());
    }

    /** Moves the conversation's last seq (and activity, never back) to its last inserted entry. */
    static void storeEnd(SqlSession s, long conversation, long lastSeq, long lastActivity) throws SQLException {
        PreparedStatement store = s.prepare(HotConversations.STORE);
        store.setLong(1, lastSeq);
        store.setLong(2, lastActivity);
        store.setLong(3, conversation);
        if (store.executeUpdate() != 1) {
            throw new SQLException("conversation " + conversation + " vanished under its pending entries");
        }
    }

    /** SQLite committed the conversation's entries up to {@code seq}: they are pending no more. */
    void materialized(long conversation, long seq) {
        List<Row> rows = byConversation.get(conversation);
        if (rows == null) {
            return;
        }
        int before = rows.size();
        Iterator<Row> it = rows.iterator();
        while (it.hasNext()) {
            Message m = it.next().message();
            if (m.seq() > seq) {
                break;
            }
            if (m.clientId() != null) {
                byClientId.remove(ClientKey.of(m));
            }
            it.remove();
        }
        size -= before - rows.size();
        byConversation.remove(conversation);
        if (!rows.isEmpty()) {
            // Entries added after the insert: first pending now, so last in the order.
            byConversation.put(conversation, rows);
        }
    }

    /**
     * The pending record with the lowest ordinal once the conversations in {@code inserted} are
     * materialized up to their seq (the log's mark must not pass it), or null when none is left.
     * Conversations are kept in the order of their first pending record (a conversation joins at
     * the end with its first one, and leaves whole: {@link #materialized} runs before the next
     * entries are added), so it is the first record of the first conversation not wholly inserted.
     */
    Row oldestExcept(Map<Long, Long> inserted) {
        for (Map.Entry<Long, List<Row>> e : byConversation.entrySet()) {
            Long upTo = inserted.get(e.getKey());
            for (Row row : e.getValue()) {
                if (upTo == null || row.message().seq() > upTo) {
                    return row;
                }
            }
        }
        return null;
    }
}
