package dev.parley.store;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.Role;
import dev.parley.core.message.Mention;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.message.Quote;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** Maps {@code messages} rows to {@link Message}s and back. */
final class MessageRows {
    static final String COLUMNS =
            "conversation_id, seq, created_at, sender_id, sender_device_id, client_id, kind, body, title, user_ids, role";
    static final String INSERT = "INSERT INTO messages (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /**
     * {@link #INSERT} with {@code reply_to}, {@code target_seq} and {@code mentions} (parameters 12
     * to 14), if the sender (parameter 15) is still a current member of the conversation (parameter
     * 16); inserts nothing otherwise.
     */
    static final String INSERT_IF_MEMBER = "INSERT INTO messages (" + COLUMNS + ", reply_to, target_seq, mentions)"
            + " SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"
            + " WHERE EXISTS (SELECT 1 FROM members WHERE user_id = ? AND conversation_id = ? AND left_seq IS NULL)";
    /**
     * {@link #INSERT_IF_MEMBER} without the membership check (parameters 1 to 14 only), for SQLite,
     * where a write transaction sees no other's commits (see {@code JdbcMessageStore}).
     */
    static final String INSERT_WITH_REFERENCES = "INSERT INTO messages (" + COLUMNS + ", reply_to, target_seq, mentions)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /**
     * A new plain entry on SQLite, with {@code target_seq} and {@code mentions} (parameters 12 and
     * 13); inserts nothing if its client id (or its seq) is taken. {@code ON CONFLICT DO NOTHING}
     * without a target covers every unique index, the partial one on client ids included.
     */
    static final String INSERT_NEW = "INSERT INTO messages (" + COLUMNS + ", target_seq, mentions)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    /**
     * An entry with what its reader sees of the entry it answers, as that entry is now: select
     * with {@link #FROM_WITH_QUOTE}, read with {@link #readWithQuote}.
     */
    static final String COLUMNS_WITH_QUOTE = "m.conversation_id, m.seq, m.created_at, m.sender_id, m.sender_device_id,"
            + " m.client_id, m.kind, m.body, m.title, m.user_ids, m.role, m.reply_to, q.seq, q.sender_id, q.kind, q.body,"
            + " m.target_seq, m.edited_at, m.deleted_at, m.deleted_by, q.deleted_at, m.mentions";
    static final String FROM_WITH_QUOTE = " FROM messages m LEFT JOIN messages q"
            + " ON q.conversation_id = m.conversation_id AND q.seq = m.reply_to";

    private MessageRows() {
    }

    static Message read(ResultSet rs) throws SQLException {
        long device = rs.getLong(5);
        String role = rs.getString(11);
        return new Message(new ConversationId(rs.getLong(1)), rs.getLong(2), rs.getLong(3), new UserId(rs.getLong(4)),
                device == 0 ? null : new DeviceId(device), rs.getString(6), MessageKind.fromWire(rs.getString(7)),
                rs.getString(8), rs.getString(9), parseIds(rs.getString(10)), role == null ? null : Role.fromWire(role));
    }

    /** A row selected as {@link #COLUMNS_WITH_QUOTE}, without its reactions. */
    static Message readWithQuote(ResultSet rs) throws SQLException {
        Message m = read(rs);
        long replyTo = rs.getLong(12);
        long targetSeq = rs.getLong(17);
        long editedAt = rs.getLong(18);
        long deletedAt = rs.getLong(19);
        String mentions = rs.getString(22);
        if (replyTo == 0 && targetSeq == 0 && editedAt == 0 && deletedAt == 0 && mentions == null) {
            return m;
        }
        UserId deletedBy = deletedAt == 0 ? null : new UserId(rs.getLong(20));
        long quoted = rs.getLong(13);
        Quote quote = quoted == 0 ? null : new Quote(quoted, new UserId(rs.getLong(14)),
                MessageKind.fromWire(rs.getString(15)), Quote.excerpt(rs.getString(16)), rs.getLong(21) != 0);
        return new Message(m.conversationId(), m.seq(), m.createdAt(), m.senderId(), m.senderDeviceId(), m.clientId(),
                m.kind(), m.body(), m.title(), m.userIds(), m.role(), replyTo, quote, targetSeq, List.of(), editedAt,
                deletedAt, deletedBy, parseMentions(mentions));
    }

    static List<Message> readAllWithQuotes(PreparedStatement ps) throws SQLException {
        return readAll(ps, MessageRows::readWithQuote);
    }

    /** Reads one row into an entry. */
    @FunctionalInterface
    interface RowReader {
        Message read(ResultSet rs) throws SQLException;
    }

    static List<Message> readAll(PreparedStatement ps) throws SQLException {
        return readAll(ps, MessageRows::read);
    }

    private static List<Message> readAll(PreparedStatement ps, RowReader reader) throws SQLException {
        List<Message> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(reader.read(rs));
            }
        }
        return out;
    }

    static void bind(PreparedStatement ps, Message m) throws SQLException {
        bind(ps, m, 0);
    }

    /** Binds the entry's {@link #COLUMNS} to parameters {@code offset + 1} onwards. */
    static void bind(PreparedStatement ps, Message m, int offset) throws SQLException {
        ps.setLong(offset + 1, m.conversationId().value());
        ps.setLong(offset + 2, m.seq());
        ps.setLong(offset + 3, m.createdAt());
        ps.setLong(offset + 4, m.senderId().value());
        if (m.senderDeviceId() == null) {
            ps.setNull(offset + 5, java.sql.Types.BIGINT);
        } else {
            ps.setLong(offset + 5, m.senderDeviceId().value());
        }
        ps.setString(offset + 6, m.clientId());
        ps.setString(offset + 7, m.kind().wire());
        ps.setString(offset + 8, m.body());
        ps.setString(offset + 9, m.title());
        ps.setString(offset + 10, formatIds(m.userIds()));
        ps.setString(offset + 11, m.role() == null ? null : m.role().wire());
    }

    /** Mentions as "userId:offset:length,..."; null for none. */
    static String formatMentions(List<Mention> mentions) {
        if (mentions.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        for (Mention m : mentions) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(m.userId().value()).append(':').append(m.offset()).append(':').append(m.length());
        }
        return sb.toString();
    }

    static List<Mention> parseMentions(String s) {
        if (s == null || s.isEmpty()) {
            return List.of();
        }
        List<Mention> out = new ArrayList<>();
        for (String part : s.split(",")) {
            String[] f = part.split(":");
            out.add(new Mention(new UserId(Long.parseLong(f[0])), Integer.parseInt(f[1]), Integer.parseInt(f[2])));
        }
        return out;
    }

    static String formatIds(List<UserId> ids) {
        if (ids == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder(ids.size() * 17);
        for (UserId id : ids) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(id.value());
        }
        return sb.toString();
    }

    static List<UserId> parseIds(String s) {
        if (s == null) {
            return null;
        }
        if (s.isEmpty()) {
            return List.of();
        }
        String[] parts = s.split(",");
        List<UserId> out = new ArrayList<>(parts.length);
        for (String p : parts) {
            out.add(new UserId(Long.parseLong(p)));
        }
        return out;
    }
}
