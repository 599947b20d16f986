package dev.parley.store;

import dev.parley.core.attachment.Attachment;
import dev.parley.core.message.Message;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The attachments history entries carry, in {@code message_attachments} on the conversation's
 * shard: written with the entry in the append's transaction, and read back with every page.
 */
final class MessageAttachments {
    private static final String COLUMNS = "attachment_id, owner_id, sha256, size, content_type, name, width, height,"
            + " created_at";

    private MessageAttachments() {
    }

    static void insert(SqlSession s, Message m) throws SQLException {
        PreparedStatement ps = s.prepare("INSERT INTO message_attachments (conversation_id, seq, position, " + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        int position = 0;
        for (Attachment a : m.attachments()) {
            ps.setLong(1, m.conversationId().value());
            ps.setLong(2, m.seq());
            ps.setInt(3, position++);
            AttachmentRows.bind(ps, 4, a);
            ps.executeUpdate();
        }
    }

    /** The entries with the attachments they carry; one query for a whole page (of one conversation). */
    static List<Message> fill(SqlSession s, List<Message> page) throws SQLException {
        if (page.isEmpty()) {
            return page;
        }
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (Message m : page) {
            lo = Math.min(lo, m.seq());
            hi = Math.max(hi, m.seq());
        }
        PreparedStatement ps = s.prepare("SELECT seq, " + COLUMNS + " FROM message_attachments"
                + " WHERE conversation_id = ? AND seq >= ? AND seq <= ? ORDER BY seq, position");
        ps.setLong(1, page.getFirst().conversationId().value());
        ps.setLong(2, lo);
        ps.setLong(3, hi);
        Map<Long, List<Attachment>> bySeq = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                bySeq.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(AttachmentRows.read(rs, 2));
            }
        }
        if (bySeq.isEmpty()) {
            return page;
        }
        List<Message> out = new ArrayList<>(page.size());
        for (Message m : page) {
            List<Attachment> carried = bySeq.get(m.seq());
            out.add(carried == null ? m : m.withAttachments(carried));
        }
        return out;
    }

    static List<Long> ids(List<Attachment> attachments) {
        return attachments.stream().map(Attachment::id).toList();
    }
}
