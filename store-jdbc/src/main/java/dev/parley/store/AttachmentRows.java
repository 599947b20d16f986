package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.attachment.Attachment;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * An attachment's nine columns (id, owner, sha256, size, content type, name, width, height,
 * created at) in that order, as both the {@code attachments} table and the per-message copies in
 * {@code message_attachments} hold them.
 */
final class AttachmentRows {
    /** How many columns an attachment takes. */
    static final int WIDTH = 9;

    private AttachmentRows() {
    }

    /** Binds {@code a} to the parameters from {@code first} on. */
    static void bind(PreparedStatement ps, int first, Attachment a) throws SQLException {
        ps.setLong(first, a.id());
        ps.setLong(first + 1, a.owner().value());
        ps.setString(first + 2, a.sha256());
        ps.setLong(first + 3, a.size());
        ps.setString(first + 4, a.contentType());
        ps.setString(first + 5, a.name());
        ps.setInt(first + 6, a.width());
        ps.setInt(first + 7, a.height());
        ps.setLong(first + 8, a.createdAt());
    }

    /** The attachment in the row's columns from {@code first} on. */
    static Attachment read(ResultSet rs, int first) throws SQLException {
        return new Attachment(rs.getLong(first), new UserId(rs.getLong(first + 1)), rs.getString(first + 2),
                rs.getLong(first + 3), rs.getString(first + 4), rs.getString(first + 5), rs.getInt(first + 6),
                rs.getInt(first + 7), rs.getLong(first + 8));
    }
}
