package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationEntry;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.ListCursor;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.conversation.Membership;
import dev.parley.core.conversation.Positions;
import dev.parley.core.conversation.Role;
import dev.parley.core.conversation.UserConversation;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Conversations, members and receipt positions in the {@code conversations} and {@code members} tables. */
public final class JdbcConversationStore implements ConversationStore {
    private static final String CONVERSATION_COLUMNS = "id, kind, title, created_at, last_seq, last_activity_at";
    private static final String MEMBER_COLUMNS = "user_id, role, joined_seq, left_seq, delivered_seq, read_seq";

    private final Database db;
    private final String advance;

    public JdbcConversationStore(Database db) {
        this.db = db;
        String greatest = db.dialect().greatest();
        this.advance = "UPDATE members SET delivered_seq = " + greatest + "(delivered_seq, ?), read_seq = "
                + greatest + "(read_seq, ?) WHERE conversation_id = ? AND user_id = ? AND left_seq IS NULL"
                + " AND (delivered_seq < ? OR read_seq < ?) RETURNING delivered_seq, read_seq";
    }

    @Override
    public Conversation openDirect(ConversationId newId, UserId a, UserId b, long now) {
        UserId lo = a.compareTo(b) < 0 ? a : b;
        UserId hi = lo == a ? b : a;
        return Futures.await(db.write(lo.value(), s -> {
            // Claim the pair first: of two nodes opening it at once, one inserts and the other
            // (after waiting on the first's row lock) finds its conversation.
            PreparedStatement pair = s.prepare("INSERT INTO direct_pairs (user_lo, user_hi, conversation_id) VALUES (?, ?, ?)"
                    + " ON CONFLICT (user_lo, user_hi) DO NOTHING");
            pair.setLong(1, lo.value());
            pair.setLong(2, hi.value());
            pair.setLong(3, newId.value());
            if (pair.executeUpdate() == 0) {
                PreparedStatement find = s.prepare("SELECT conversation_id FROM direct_pairs WHERE user_lo = ? AND user_hi = ?");
                find.setLong(1, lo.value());
                find.setLong(2, hi.value());
                try (ResultSet rs = find.executeQuery()) {
                    rs.next();
                    return conversation(s, new ConversationId(rs.getLong(1))).orElseThrow();
                }
            }
            PreparedStatement conv = s.prepare("INSERT INTO conversations (id, kind, title, created_at, last_seq,"
                    + " last_activity_at) VALUES (?, ?, NULL, ?, 0, ?)");
            conv.setLong(1, newId.value());
            conv.setString(2, ConversationKind.DIRECT.wire());
            conv.setLong(3, now);
            conv.setLong(4, now);
            conv.executeUpdate();
            PreparedStatement mem = s.prepare("INSERT INTO members (conversation_id, user_id, role, joined_seq, joined_at)"
                    + " VALUES (?, ?, ?, 0, ?)");
            for (UserId u : List.of(lo, hi)) {
                mem.setLong(1, newId.value());
                mem.setLong(2, u.value());
                mem.setString(3, Role.MEMBER.wire());
                mem.setLong(4, now);
                mem.executeUpdate();
            }
            return new Conversation(newId, ConversationKind.DIRECT, null, now, 0, now);
        }));
    }

    @Override
    public Optional<Conversation> find(ConversationId id) {
        return db.read(s -> conversation(s, id));
    }

    private static Optional<Conversation> conversation(SqlSession s, ConversationId id) throws SQLException {
        PreparedStatement ps = s.prepare("SELECT " + CONVERSATION_COLUMNS + " FROM conversations WHERE id = ?");
        ps.setLong(1, id.value());
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Conversation(new ConversationId(rs.getLong(1)), ConversationKind.fromWire(rs.getString(2)),
                    rs.getString(3), rs.getLong(4), rs.getLong(5), rs.getLong(6)));
        }
    }

    @Override
    public Optional<Membership> membership(ConversationId id) {
        return db.read(s -> {
            // One statement, so roles and version come from one snapshot.
            PreparedStatement ps = s.prepare("SELECT c.kind, c.membership_version, m.user_id, m.role FROM conversations c"
                    + " LEFT JOIN members m ON m.conversation_id = c.id AND m.left_seq IS NULL WHERE c.id = ?"
                    + " ORDER BY m.joined_seq, m.joined_at, m.user_id");
            ps.setLong(1, id.value());
            ConversationKind kind = null;
            long version = 0;
            Map<UserId, Role> roles = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    kind = ConversationKind.fromWire(rs.getString(1));
                    version = rs.getLong(2);
                    long user = rs.getLong(3);
                    if (!rs.wasNull()) {
                        roles.put(new UserId(user), Role.fromWire(rs.getString(4)));
                    }
                }
            }
            return kind == null ? Optional.<Membership>empty() : Optional.of(new Membership(id, kind, roles, version));
        });
    }

    @Override
    public Optional<MemberState> member(ConversationId id, UserId user) {
        return db.read(s -> {
            PreparedStatement ps = s.prepare("SELECT " + MEMBER_COLUMNS + " FROM members WHERE conversation_id = ? AND user_id = ?");
            ps.setLong(1, id.value());
            ps.setLong(2, user.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(memberState(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public List<UserConversation> conversationsOf(UserId user) {
        return db.read(s -> {
            PreparedStatement ps = s.prepare("SELECT m.conversation_id, c.last_seq, m.left_seq FROM members m"
                    + " JOIN conversations c ON c.id = m.conversation_id WHERE m.user_id = ?");
            ps.setLong(1, user.value());
            List<UserConversation> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new UserConversation(new ConversationId(rs.getLong(1)), rs.getLong(2), rs.getLong(3)));
                }
            }
            return out;
        });
    }

    @Override
    public List<ConversationEntry> listForUser(UserId user, ListCursor after, int limit) {
        return db.read(s -> {
            String sql = "SELECT c.id, c.kind, c.title, c.created_at, c.last_seq, c.last_activity_at, "
                    + "m.user_id, m.role, m.joined_seq, m.left_seq, m.delivered_seq, m.read_seq"
                    + " FROM members m JOIN conversations c ON c.id = m.conversation_id"
                    + " WHERE m.user_id = ? AND m.left_seq IS NULL"
                    + (after == null ? "" : " AND (c.last_activity_at < ? OR (c.last_activity_at = ? AND c.id < ?))")
                    + " ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ?";
            PreparedStatement ps = s.prepare(sql);
            int i = 1;
            ps.setLong(i++, user.value());
            if (after != null) {
                ps.setLong(i++, after.lastActivityAt());
                ps.setLong(i++, after.lastActivityAt());
                ps.setLong(i++, after.conversationId());
            }
            ps.setInt(i, limit);
            List<ConversationEntry> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Conversation c = new Conversation(new ConversationId(rs.getLong(1)),
                            ConversationKind.fromWire(rs.getString(2)), rs.getString(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6));
                    MemberState self = new MemberState(new UserId(rs.getLong(7)), Role.fromWire(rs.getString(8)),
                            rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12));
                    out.add(new ConversationEntry(c, self));
                }
            }
            return out;
        });
    }

    @Override
    public Set<UserId> contactsAmong(UserId user, Collection<UserId> others) {
        if (others.isEmpty()) {
            return Set.of();
        }
        return db.read(s -> {
            PreparedStatement ps = s.prepare("SELECT 1 FROM members a JOIN members b ON b.conversation_id = a.conversation_id"
                    + " WHERE a.user_id = ? AND b.user_id = ? AND a.left_seq IS NULL AND b.left_seq IS NULL LIMIT 1");
            Set<UserId> shared = new HashSet<>();
            for (UserId other : others) {
                if (other.equals(user)) {
                    continue;
                }
                ps.setLong(1, user.value());
                ps.setLong(2, other.value());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        shared.add(other);
                    }
                }
            }
            return shared;
        });
    }

    @Override
    public List<MemberState> members(ConversationId id) {
        return db.read(s -> {
            PreparedStatement ps = s.prepare("SELECT " + MEMBER_COLUMNS
                    + " FROM members WHERE conversation_id = ? AND left_seq IS NULL ORDER BY joined_seq, joined_at, user_id");
            ps.setLong(1, id.value());
            List<MemberState> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(memberState(rs));
                }
            }
            return out;
        });
    }

    private static MemberState memberState(ResultSet rs) throws SQLException {
        return new MemberState(new UserId(rs.getLong(1)), Role.fromWire(rs.getString(2)), rs.getLong(3), rs.getLong(4),
                rs.getLong(5), rs.getLong(6));
    }

    @Override
    public CompletableFuture<Optional<Positions>> advancePositions(ConversationId id, UserId user, long deliveredUpTo,
                                                                  long readUpTo) {
        return db.write(id.value(), s -> {
            PreparedStatement last = s.prepare("SELECT last_seq FROM conversations WHERE id = ?");
            last.setLong(1, id.value());
            long lastSeq;
            try (ResultSet rs = last.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                lastSeq = rs.getLong(1);
            }
            long read = Math.min(readUpTo, lastSeq);
            long delivered = Math.min(Math.max(deliveredUpTo, readUpTo), lastSeq);
            PreparedStatement ps = s.prepare(advance);
            ps.setLong(1, delivered);
            ps.setLong(2, read);
            ps.setLong(3, id.value());
            ps.setLong(4, user.value());
            ps.setLong(5, delivered);
            ps.setLong(6, read);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Positions(id, user, rs.getLong(1), rs.getLong(2))) : Optional.empty();
            }
        });
    }
}
