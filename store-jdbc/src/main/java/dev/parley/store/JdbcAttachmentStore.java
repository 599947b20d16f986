package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.attachment.Attachment;
import dev.parley.core.attachment.AttachmentStore;
import dev.parley.core.attachment.AttachmentUse;
import dev.parley.core.conversation.ConversationId;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Uploads in {@code attachments}, each on the shard of its id (so a fetch by id is one read);
 * what is asked per owner or per bytes (a retried upload, the quota, whether bytes are still in
 * use) is merged over every shard, as are the entries in {@code message_attachments} that carry
 * an upload. Uploads are rare next to messages, and those questions are indexed.
 */
public final class JdbcAttachmentStore implements AttachmentStore {
    private static final String COLUMNS = "id, owner_id, sha256, size, content_type, name, width, height, created_at";

    private final Shards shards;

    public JdbcAttachmentStore(Shards shards) {
        this.shards = shards;
    }

    @Override
    public void save(Attachment a, byte[] thumbnail) {
        Futures.await(shards.forKey(a.id()).write(a.id(), s -> {
            PreparedStatement ps = s.prepare("INSERT INTO attachments (" + COLUMNS + ", thumbnail)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            AttachmentRows.bind(ps, 1, a);
            ps.setBytes(1 + AttachmentRows.WIDTH, thumbnail);
            return ps.executeUpdate();
        }));
    }

    @Override
    public Optional<Attachment> find(long id) {
        return shards.forKey(id).read(s -> {
            PreparedStatement ps = s.prepare("SELECT " + COLUMNS + " FROM attachments WHERE id = ?");
            ps.setLong(1, id);
            return first(ps);
        });
    }

    @Override
    public Optional<Attachment> findCopy(UserId owner, String sha256, String name) {
        for (Database db : shards.all()) {
            Optional<Attachment> found = db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT " + COLUMNS + " FROM attachments WHERE owner_id = ?"
                        + " AND sha256 = ? AND name = ? ORDER BY id LIMIT 1");
                ps.setLong(1, owner.value());
                ps.setString(2, sha256);
                ps.setString(3, name);
                return first(ps);
            });
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    @Override
    public long bytesOwnedBy(UserId owner) {
        long total = 0;
        for (Database db : shards.all()) {
            total += db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT coalesce(sum(size), 0) FROM attachments WHERE owner_id = ?");
                ps.setLong(1, owner.value());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
        }
        return total;
    }

    @Override
    public Optional<byte[]> thumbnail(long id) {
        return shards.forKey(id).read(s -> {
            PreparedStatement ps = s.prepare("SELECT thumbnail FROM attachments WHERE id = ?");
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getBytes(1)) : Optional.<byte[]>empty();
            }
        });
    }

    @Override
    public List<AttachmentUse> uses(long attachmentId, int limit) {
        List<AttachmentUse> out = new ArrayList<>();
        for (Database db : shards.all()) {
            if (out.size() >= limit) {
                break;
            }
            int want = limit - out.size();
            out.addAll(db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT conversation_id, seq FROM message_attachments"
                        + " WHERE attachment_id = ? LIMIT ?");
                ps.setLong(1, attachmentId);
                ps.setInt(2, want);
                List<AttachmentUse> uses = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        uses.add(new AttachmentUse(new ConversationId(rs.getLong(1)), rs.getLong(2)));
                    }
                }
                return uses;
            }));
        }
        return out;
    }

    @Override
    public void markSent(Collection<Long> ids, long now) {
        for (long id : ids) {
            Futures.await(shards.forKey(id).write(id, s -> {
                PreparedStatement ps = s.prepare("UPDATE attachments SET sent_at = ? WHERE id = ? AND sent_at IS NULL");
                ps.setLong(1, now);
                ps.setLong(2, id);
                return ps.executeUpdate();
            }));
        }
    }

    @Override
    public List<Attachment> unsentBefore(long cutoff, int limit) {
        List<Attachment> out = new ArrayList<>();
        for (Database db : shards.all()) {
            out.addAll(db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT " + COLUMNS + " FROM attachments WHERE sent_at IS NULL"
                        + " AND created_at < ? ORDER BY created_at LIMIT ?");
                ps.setLong(1, cutoff);
                ps.setInt(2, limit);
                return all(ps);
            }));
        }
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    @Override
    public void delete(long id) {
        Futures.await(shards.forKey(id).write(id, s -> {
            PreparedStatement ps = s.prepare("DELETE FROM attachments WHERE id = ?");
            ps.setLong(1, id);
            return ps.executeUpdate();
        }));
    }

    @Override
    public boolean bytesInUse(String sha256) {
        for (Database db : shards.all()) {
            boolean used = db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT 1 FROM attachments WHERE sha256 = ? LIMIT 1");
                ps.setString(1, sha256);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            });
            if (used) {
                return true;
            }
        }
        return false;
    }

    private static Optional<Attachment> first(PreparedStatement ps) throws SQLException {
        List<Attachment> found = all(ps);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    private static List<Attachment> all(PreparedStatement ps) throws SQLException {
        List<Attachment> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(AttachmentRows.read(rs, 1));
            }
        }
        return out;
    }
}
