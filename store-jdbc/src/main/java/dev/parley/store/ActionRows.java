package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.Role;
import dev.parley.core.message.ActionRules;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Actions on earlier entries (reactions, edits): decided by {@link ActionRules} from the target
 * as read inside the append's transaction, and applied to the target's current state in that same
 * transaction, right after the action's own entry is inserted.
 */
final class ActionRows {
    private ActionRows() {
    }

    /**
     * Decides an action before its seq is taken (a refusal after that would commit a gap): null
     * to go ahead, or the outcome. Locks the conversation's row first (PostgreSQL), as every write
     * to a conversation does, so two nodes' actions on one entry are decided one after the other.
     */
    static AppendResult check(SqlSession s, AppendRequest r) throws SQLException {
        PreparedStatement lock = s.prepare("SELECT last_seq FROM conversations WHERE id = ?" + s.dialect().forUpdate());
        lock.setLong(1, r.conversationId().value());
        try (ResultSet rs = lock.executeQuery()) {
            if (!rs.next()) {
                return new AppendResult.NotMember();
            }
        }
        Role role = JdbcMessageStore.roleOf(s, r);
        if (role == null) {
            return new AppendResult.NotMember();
        }
        boolean reaction = r.kind() == MessageKind.REACTION_ADDED || r.kind() == MessageKind.REACTION_REMOVED;
        return ActionRules.decide(r, target(s, r.conversationId(), r.targetSeq()),
                reaction ? ReactionRows.held(s, r) : List.of(), role);
    }

    /** The entry at {@code seq} as the rules see it, or null. */
    static ActionRules.Target target(SqlSession s, ConversationId c, long seq) throws SQLException {
        PreparedStatement ps = s.prepare("SELECT sender_id, kind, created_at, deleted_at FROM messages"
                + " WHERE conversation_id = ? AND seq = ?");
        ps.setLong(1, c.value());
        ps.setLong(2, seq);
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return null;
            }
            UserId sender = new UserId(rs.getLong(1));
            MessageKind kind = MessageKind.fromWire(rs.getString(2));
            long createdAt = rs.getLong(3);
            rs.getLong(4);
            return new ActionRules.Target(seq, sender, kind, createdAt, !rs.wasNull());
        }
    }

    /**
     * Makes the message a tombstone: its text and the texts of its edits are erased (with
     * {@code secure_delete} on SQLite, the bytes are overwritten, not left in free space) and its
     * reactions dropped. Replies keep their {@code reply_to} and now quote the tombstone.
     */
    private static void erase(SqlSession s, Message entry) throws SQLException {
        forgetMentions(s, entry);
        long c = entry.conversationId().value();
        PreparedStatement tombstone = s.prepare("UPDATE messages SET body = NULL, edited_at = NULL, deleted_at = ?,"
                + " deleted_by = ? WHERE conversation_id = ? AND seq = ?");
        tombstone.setLong(1, entry.createdAt());
        tombstone.setLong(2, entry.senderId().value());
        tombstone.setLong(3, c);
        tombstone.setLong(4, entry.targetSeq());
        tombstone.executeUpdate();
        PreparedStatement edits = s.prepare("UPDATE messages SET body = NULL WHERE conversation_id = ? AND target_seq = ?"
                + " AND kind = 'edited'");
        edits.setLong(1, c);
        edits.setLong(2, entry.targetSeq());
        edits.executeUpdate();
        PreparedStatement reactions = s.prepare("DELETE FROM reactions WHERE conversation_id = ? AND seq = ?");
        reactions.setLong(1, c);
        reactions.setLong(2, entry.targetSeq());
        reactions.executeUpdate();
    }

    /** The target's mentions go with its text: their ranges no longer fit an edited or erased one. */
    private static void forgetMentions(SqlSession s, Message entry) throws SQLException {
        PreparedStatement column = s.prepare("UPDATE messages SET mentions = NULL WHERE conversation_id = ? AND seq = ?");
        column.setLong(1, entry.conversationId().value());
        column.setLong(2, entry.targetSeq());
        column.executeUpdate();
        PreparedStatement rows = s.prepare("DELETE FROM mentioned WHERE conversation_id = ? AND seq = ?");
        rows.setLong(1, entry.conversationId().value());
        rows.setLong(2, entry.targetSeq());
        rows.executeUpdate();
    }

    /** Applies a stored action entry to the current state of the entry it names. */
    static void apply(SqlSession s, Message entry) throws SQLException {
        switch (entry.kind()) {
            case REACTION_ADDED, REACTION_REMOVED -> ReactionRows.apply(s, entry);
            case EDITED -> {
                forgetMentions(s, entry);
                PreparedStatement ps = s.prepare("UPDATE messages SET body = ?, edited_at = ? WHERE conversation_id = ?"
                        + " AND seq = ?");
                ps.setString(1, entry.body());
                ps.setLong(2, entry.createdAt());
                ps.setLong(3, entry.conversationId().value());
                ps.setLong(4, entry.targetSeq());
                ps.executeUpdate();
            }
            case DELETED -> erase(s, entry);
            default -> throw new IllegalArgumentException("not an action: " + entry.kind());
        }
    }
}
