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
import java.util.Comparator;
import java.util.HashSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Conversations, members and receipt positions in the {@code conversations} and {@code members}
 * tables, on the shard of the conversation; the direct pairs in {@code direct_pairs}, on the shard
 * of the pair's lower user id. What is asked per user (their conversations, their contacts) is
 * asked of every shard and merged.
 */
public final class JdbcConversationStore implements ConversationStore {
    private static final String CONVERSATION_COLUMNS = "id, kind, title, created_at, last_seq, last_activity_at";
    private static final String MEMBER_COLUMNS = "user_id, role, joined_seq, left_seq, delivered_seq, read_seq";
    private static final Comparator<ConversationEntry> MOST_RECENT_FIRST = Comparator
            .comparingLong((ConversationEntry e) -> e.conversation().lastActivityAt())
            .thenComparingLong(e -> e.conversation().id().value())
            .reversed();

    private final Shards shards;
    private final String advance;

    public JdbcConversationStore(Database db) {
        this(Shards.of(db));
    }

    public JdbcConversationStore(Shards shards) {
        this.shards = shards;
        String greatest = shards.dialect().greatest();
        this.advance = "UPDATE members SET delivered_seq = " + greatest + "(delivered_seq, ?), read_seq = "
                + greatest + "(read_seq, ?) WHERE conversation_id = ? AND user_id = ? AND left_seq IS NULL"
                + " AND (delivered_seq < ? OR read_seq < ?) RETURNING delivered_seq, read_seq";
    }

    /**
     * Claims the pair for {@code newId} on the pair's shard (of two concurrent claims, one inserts
     * and the other, after waiting on the first's row, finds it), then makes sure the claimed
     * conversation exists on its own shard. The two steps are separate writes, since the pair and
     * the conversation may be on different databases; should a node die between them, the next
     * {@code openDirect} of the pair, from either user on any node, creates the conversation the
     * claim names. Creating it is idempotent.
     */
    @Override
    public Conversation openDirect(ConversationId newId, UserId a, UserId b, long now) {
        long claimed = claimPair(shards, a, b, newId);
        ConversationId id = new ConversationId(claimed);
        Database home = shards.forConversation(id);
        if (claimed != newId.value()) {
            Optional<Conversation> existing = home.read(s -> conversation(s, id));
            if (existing.isPresent()) {
                return existing.get();
            }
        }
        UserId lo = a.compareTo(b) < 0 ? a : b;
        UserId hi = lo == a ? b : a;
        return Futures.await(home.write(claimed, s -> {
            insertDirect(s, claimed, now);
            PreparedStatement mem = s.prepare("INSERT INTO members (conversation_id, user_id, role, joined_seq, joined_at)"
                    + " VALUES (?, ?, ?, 0, ?) ON CONFLICT (conversation_id, user_id) DO NOTHING");
            for (UserId u : List.of(lo, hi)) {
                mem.setLong(1, claimed);
                mem.setLong(2, u.value());
                mem.setString(3, Role.MEMBER.wire());
                mem.setLong(4, now);
                mem.executeUpdate();
            }
            return conversation(s, id).orElseThrow();
        }));
    }

    /** Inserts an empty direct conversation unless it exists; true if this call inserted it. */
    static boolean insertDirect(SqlSession s, long id, long now) throws SQLException {
        PreparedStatement conv = s.prepare("INSERT INTO conversations (id, kind, title, created_at, last_seq,"
                + " last_activity_at) VALUES (?, ?, NULL, ?, 0, ?) ON CONFLICT (id) DO NOTHING");
        conv.setLong(1, id);
        conv.setString(2, ConversationKind.DIRECT.wire());
        conv.setLong(3, now);
        conv.setLong(4, now);
        return conv.executeUpdate() == 1;
    }

    /**
     * Claims the pair {@code a, b} for {@code newId} on the pair's shard (that of the lower user
     * id) and returns the id the pair holds: {@code newId}, or the one an earlier claim made.
     */
    static long claimPair(Shards shards, UserId a, UserId b, ConversationId newId) {
        UserId lo = a.compareTo(b) < 0 ? a : b;
        UserId hi = lo == a ? b : a;
        return Futures.await(shards.forUser(lo).write(lo.value(), s -> {
            PreparedStatement pair = s.prepare("INSERT INTO direct_pairs (user_lo, user_hi, conversation_id) VALUES (?, ?, ?)"
                    + " ON CONFLICT (user_lo, user_hi) DO NOTHING");
            pair.setLong(1, lo.value());
            pair.setLong(2, hi.value());
            pair.setLong(3, newId.value());
            if (pair.executeUpdate() == 1) {
                return newId.value();
            }
            PreparedStatement find = s.prepare("SELECT conversation_id FROM direct_pairs WHERE user_lo = ? AND user_hi = ?");
            find.setLong(1, lo.value());
            find.setLong(2, hi.value());
            try (ResultSet rs = find.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }));
    }

    @Override
    public Optional<Conversation> find(ConversationId id) {
        Database db = shards.forConversation(id);
        Optional<Conversation> found = db.read(s -> conversation(s, id));
        // The hot log's tail, after the SQLite read (TailViews): its entries are the conversation's latest.
        return found.map(c -> TailReads.withTail(db, c));
    }

    static Optional<Conversation> conversation(SqlSession s, ConversationId id) throws SQLException {
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
        return shards.forConversation(id).read(s -> {
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
        return shards.forConversation(id).read(s -> {
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
        List<UserConversation> out = new ArrayList<>();
        for (Database db : shards.all()) {
            int shardStart = out.size();
            db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT m.conversation_id, c.last_seq, m.left_seq FROM members m"
                        + " JOIN conversations c ON c.id = m.conversation_id WHERE m.user_id = ?");
                ps.setLong(1, user.value());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new UserConversation(new ConversationId(rs.getLong(1)), rs.getLong(2), rs.getLong(3)));
                    }
                }
                return null;
            });
            if (db instanceof SqliteDatabase sqlite && sqlite.tailViews() != null) {
                // The hot log's tail, after the SQLite read (TailViews): catch-up reads up to it.
                for (int i = shardStart; i < out.size(); i++) {
                    UserConversation uc = out.get(i);
                    out.set(i, new UserConversation(uc.conversationId(),
                            TailReads.lastSeq(db, uc.conversationId(), uc.lastSeq()), uc.leftSeq()));
                }
            }
        }
        return out;
    }

    @Override
    public java.util.Map<ConversationId, Long> deliveredPositions(UserId user) {
        java.util.Map<ConversationId, Long> out = new java.util.HashMap<>();
        for (Database db : shards.all()) {
            db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT conversation_id, delivered_seq FROM members"
                        + " WHERE user_id = ? AND left_seq IS NULL");
                ps.setLong(1, user.value());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(new ConversationId(rs.getLong(1)), rs.getLong(2));
                    }
                }
                return null;
            });
        }
        return out;
    }

    @Override
    public List<ConversationEntry> listForUser(UserId user, ListCursor after, int limit) {
        if (shards.size() == 1) {
            return listForUser(shards.get(0), user, after, limit);
        }
        // Each shard's first page, merged: the first `limit` of the union are among them.
        List<ConversationEntry> all = new ArrayList<>();
        for (Database db : shards.all()) {
            all.addAll(listForUser(db, user, after, limit));
        }
        all.sort(MOST_RECENT_FIRST);
        return all.size() > limit ? new ArrayList<>(all.subList(0, limit)) : all;
    }

    private static final String LIST_COLUMNS = "SELECT c.id, c.kind, c.title, c.created_at, c.last_seq,"
            + " c.last_activity_at, m.user_id, m.role, m.joined_seq, m.left_seq, m.delivered_seq, m.read_seq"
            + " FROM members m JOIN conversations c ON c.id = m.conversation_id"
            + " WHERE m.user_id = ? AND m.left_seq IS NULL";

    /**
     * One database's page. With the hot log's tail (docs/storage.md, "The hot log"), an entry waiting
     * in a conversation's tail moves its activity forward past SQLite's, so the page is SQLite's
     * first {@code limit} plus one per tail (the tails' conversations may be among them), and the
     * user's conversations with a tail, each with its tail's last seq and activity, merged and cut
     * again. The tails are taken before SQLite's read (the read rule); one taken after it is newer.
     */
    private static List<ConversationEntry> listForUser(Database db, UserId user, ListCursor after, int limit) {
        List<TailView> tails = TailReads.withEntries(db);
        return db.read(s -> {
            String sql = LIST_COLUMNS
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
            ps.setInt(i, limit + tails.size());
            List<ConversationEntry> out = listed(ps);
            if (tails.isEmpty()) {
                return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
            }
            PreparedStatement one = s.prepare(LIST_COLUMNS + " AND c.id = ?");
            for (TailView tail : tails) {
                one.setLong(1, user.value());
                one.setLong(2, tail.conversation());
                out.addAll(listed(one));
            }
            Map<Long, ConversationEntry> byId = new HashMap<>();
            for (ConversationEntry e : out) {
                ConversationEntry withTail = new ConversationEntry(TailReads.withTail(db, e.conversation()), e.self());
                Conversation c = withTail.conversation();
                if (after == null || c.lastActivityAt() < after.lastActivityAt()
                        || (c.lastActivityAt() == after.lastActivityAt() && c.id().value() < after.conversationId())) {
                    byId.put(c.id().value(), withTail);
                }
            }
            List<ConversationEntry> merged = new ArrayList<>(byId.values());
            merged.sort(MOST_RECENT_FIRST);
            return merged.size() > limit ? new ArrayList<>(merged.subList(0, limit)) : merged;
        });
    }

    private static List<ConversationEntry> listed(PreparedStatement ps) throws SQLException {
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
    }

    /** Two users share a conversation on the shard that holds it, so each shard is asked. */
    @Override
    public Set<UserId> contactsAmong(UserId user, Collection<UserId> others) {
        Set<UserId> wanted = new HashSet<>(others);
        wanted.remove(user);
        Set<UserId> shared = new HashSet<>();
        for (Database db : shards.all()) {
            if (wanted.isEmpty()) {
                break;
            }
            db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT 1 FROM members a JOIN members b ON b.conversation_id = a.conversation_id"
                        + " WHERE a.user_id = ? AND b.user_id = ? AND a.left_seq IS NULL AND b.left_seq IS NULL LIMIT 1");
                for (UserId other : wanted) {
                    ps.setLong(1, user.value());
                    ps.setLong(2, other.value());
                    try (ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            shared.add(other);
                        }
                    }
                }
                return null;
            });
            wanted.removeAll(shared);
        }
        return shared;
    }

    @Override
    public List<MemberState> members(ConversationId id) {
        return shards.forConversation(id).read(s -> {
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
                                                                  long readUpTo,
                                                                  Consumer<? super Optional<Positions>> onCommit) {
        // Not a barrier behind the hot log: the clamp takes the entries kept out of SQLite too.
        return shards.forConversation(id).write(id.value(), (SqlTask.KeepsTail<Optional<Positions>>) s -> {
            // Locks the conversation's row first, as every write to a conversation does, so that
            // writers on several nodes take their locks in one order and cannot deadlock.
            PreparedStatement last = s.prepare("SELECT last_seq FROM conversations WHERE id = ?" + s.dialect().forUpdate());
            last.setLong(1, id.value());
            long lastSeq;
            try (ResultSet rs = last.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                lastSeq = Math.max(rs.getLong(1), s.lastSeqKeptOut(id.value()));
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
        }, onCommit);
    }
}
