package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.Role;
import dev.parley.core.request.MessageRequest;
import dev.parley.core.request.RequestStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Message requests in {@code message_requests}, on the shard of their conversation (accepting one
 * is applied with its history entry: see {@code MembershipChanges}). A recipient's requests are
 * asked of every shard and merged.
 */
public final class JdbcRequestStore implements RequestStore {
    private static final String COLUMNS = "conversation_id, recipient_id, requester_id, created_at, declined, notified";

    private final Shards shards;

    public JdbcRequestStore(Shards shards) {
        this.shards = shards;
    }

    @Override
    public Optional<ConversationId> directBetween(UserId a, UserId b) {
        UserId lo = a.compareTo(b) < 0 ? a : b;
        UserId hi = lo == a ? b : a;
        return shards.forUser(lo).read(s -> {
            PreparedStatement ps = s.prepare("SELECT conversation_id FROM direct_pairs WHERE user_lo = ? AND user_hi = ?");
            ps.setLong(1, lo.value());
            ps.setLong(2, hi.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new ConversationId(rs.getLong(1))) : Optional.<ConversationId>empty();
            }
        });
    }

    /**
     * Claims the pair as {@link JdbcConversationStore#openDirect} does; the conversation, its one
     * member and the request are then written in one transaction on the conversation's shard.
     */
    @Override
    public Conversation open(ConversationId newId, UserId requester, UserId recipient, long now) {
        long claimed = JdbcConversationStore.claimPair(shards, requester, recipient, newId);
        ConversationId id = new ConversationId(claimed);
        Database home = shards.forConversation(id);
        if (claimed != newId.value()) {
            Optional<Conversation> existing = home.read(s -> JdbcConversationStore.conversation(s, id));
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        return Futures.await(home.write(claimed, s -> {
            if (JdbcConversationStore.insertDirect(s, claimed, now)) {
                PreparedStatement mem = s.prepare("INSERT INTO members (conversation_id, user_id, role, joined_seq, joined_at)"
                        + " VALUES (?, ?, ?, 0, ?) ON CONFLICT (conversation_id, user_id) DO NOTHING");
                mem.setLong(1, claimed);
                mem.setLong(2, requester.value());
                mem.setString(3, Role.MEMBER.wire());
                mem.setLong(4, now);
                mem.executeUpdate();
                PreparedStatement req = s.prepare("INSERT INTO message_requests (" + COLUMNS
                        + ") VALUES (?, ?, ?, ?, 0, 0) ON CONFLICT (conversation_id) DO NOTHING");
                req.setLong(1, claimed);
                req.setLong(2, recipient.value());
                req.setLong(3, requester.value());
                req.setLong(4, now);
                req.executeUpdate();
            }
            return JdbcConversationStore.conversation(s, id).orElseThrow();
        }));
    }

    @Override
    public Optional<MessageRequest> find(ConversationId conversation) {
        return shards.forConversation(conversation).read(s -> one(s, conversation));
    }

    static Optional<MessageRequest> one(SqlSession s, ConversationId conversation) throws SQLException {
        PreparedStatement ps = s.prepare("SELECT " + COLUMNS + " FROM message_requests WHERE conversation_id = ?");
        ps.setLong(1, conversation.value());
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? Optional.of(request(rs)) : Optional.empty();
        }
    }

    private static MessageRequest request(ResultSet rs) throws SQLException {
        return new MessageRequest(new ConversationId(rs.getLong(1)), new UserId(rs.getLong(2)), new UserId(rs.getLong(3)),
                rs.getLong(4), rs.getInt(5) != 0, rs.getInt(6) != 0);
    }

    @Override
    public List<MessageRequest> pendingFor(UserId recipient, int limit) {
        List<MessageRequest> all = new ArrayList<>();
        for (Database db : shards.all()) {
            all.addAll(db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT " + COLUMNS + " FROM message_requests WHERE recipient_id = ?"
                        + " AND declined = 0 ORDER BY created_at DESC, conversation_id DESC LIMIT ?");
                ps.setLong(1, recipient.value());
                ps.setInt(2, limit);
                List<MessageRequest> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(request(rs));
                    }
                }
                return out;
            }));
        }
        all.sort(Comparator.comparingLong(MessageRequest::createdAt)
                .thenComparingLong(r -> r.conversationId().value()).reversed());
        return all.size() > limit ? new ArrayList<>(all.subList(0, limit)) : all;
    }

    @Override
    public boolean decline(ConversationId conversation, UserId recipient) {
        return Futures.await(shards.forConversation(conversation).write(conversation.value(), s -> {
            PreparedStatement ps = s.prepare("UPDATE message_requests SET declined = 1 WHERE conversation_id = ?"
                    + " AND recipient_id = ? AND declined = 0");
            ps.setLong(1, conversation.value());
            ps.setLong(2, recipient.value());
            return ps.executeUpdate() == 1;
        }));
    }

    @Override
    public Optional<MessageRequest> markNotified(ConversationId conversation) {
        return Futures.await(shards.forConversation(conversation).write(conversation.value(), s -> {
            PreparedStatement ps = s.prepare("UPDATE message_requests SET notified = 1 WHERE conversation_id = ?"
                    + " AND notified = 0 AND declined = 0");
            ps.setLong(1, conversation.value());
            return ps.executeUpdate() == 1 ? one(s, conversation) : Optional.<MessageRequest>empty();
        }));
    }

    @Override
    public void declineInvolving(UserId user) {
        for (Database db : shards.all()) {
            List<Long> ids = db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT conversation_id FROM message_requests WHERE declined = 0"
                        + " AND (recipient_id = ? OR requester_id = ?)");
                ps.setLong(1, user.value());
                ps.setLong(2, user.value());
                List<Long> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getLong(1));
                    }
                }
                return out;
            });
            for (long id : ids) {
                Futures.await(db.write(id, s -> {
                    PreparedStatement ps = s.prepare("UPDATE message_requests SET declined = 1 WHERE conversation_id = ?");
                    ps.setLong(1, id);
                    return ps.executeUpdate();
                }));
            }
        }
    }
}
