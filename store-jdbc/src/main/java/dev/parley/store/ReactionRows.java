package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.message.Reaction;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code reactions} table: each entry's current reactions, changed in the transaction that
 * appends the reaction's own entry, and read with every page of history.
 */
final class ReactionRows {
    private ReactionRows() {
    }

    /** The emoji {@code user} has on the entry at {@code seq} now. */
    static List<String> held(SqlSession s, AppendRequest r) throws SQLException {
        PreparedStatement mine = s.prepare("SELECT emoji FROM reactions WHERE conversation_id = ? AND seq = ?"
                + " AND user_id = ?");
        mine.setLong(1, r.conversationId().value());
        mine.setLong(2, r.targetSeq());
        mine.setLong(3, r.senderId().value());
        List<String> held = new ArrayList<>();
        try (ResultSet rs = mine.executeQuery()) {
            while (rs.next()) {
                held.add(rs.getString(1));
            }
        }
        return held;
    }

    /** Applies a stored reaction entry to the current reactions of the entry it names. */
    static void apply(SqlSession s, Message entry) throws SQLException {
        PreparedStatement ps;
        if (entry.kind() == MessageKind.REACTION_ADDED) {
            ps = s.prepare("INSERT INTO reactions (conversation_id, seq, user_id, emoji, reacted_seq)"
                    + " VALUES (?, ?, ?, ?, ?)");
            ps.setLong(5, entry.seq());
        } else {
            ps = s.prepare("DELETE FROM reactions WHERE conversation_id = ? AND seq = ? AND user_id = ? AND emoji = ?");
        }
        ps.setLong(1, entry.conversationId().value());
        ps.setLong(2, entry.targetSeq());
        ps.setLong(3, entry.senderId().value());
        ps.setString(4, entry.body());
        ps.executeUpdate();
    }

    /**
     * The entries (of one conversation, in either order) with their current reactions: each emoji once,
     * in the order it was first put there, with its users in the order they reacted.
     */
    static List<Message> attach(SqlSession s, List<Message> entries) throws SQLException {
        if (entries.isEmpty()) {
            return entries;
        }
        PreparedStatement ps = s.prepare("SELECT seq, emoji, user_id FROM reactions WHERE conversation_id = ?"
                + " AND seq >= ? AND seq <= ? ORDER BY seq, reacted_seq");
        ps.setLong(1, entries.getFirst().conversationId().value());
        long first = Math.min(entries.getFirst().seq(), entries.getLast().seq());
        long last = Math.max(entries.getFirst().seq(), entries.getLast().seq());
        ps.setLong(2, first);
        ps.setLong(3, last);
        Map<Long, Map<String, List<UserId>>> bySeq = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                bySeq.computeIfAbsent(rs.getLong(1), k -> new LinkedHashMap<>())
                        .computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(new UserId(rs.getLong(3)));
            }
        }
        if (bySeq.isEmpty()) {
            return entries;
        }
        List<Message> out = new ArrayList<>(entries.size());
        for (Message m : entries) {
            Map<String, List<UserId>> reactions = bySeq.get(m.seq());
            if (reactions == null) {
                out.add(m);
            } else {
                List<Reaction> list = new ArrayList<>(reactions.size());
                reactions.forEach((emoji, users) -> list.add(new Reaction(emoji, users)));
                out.add(m.withReactions(list));
            }
        }
        return out;
    }
}
