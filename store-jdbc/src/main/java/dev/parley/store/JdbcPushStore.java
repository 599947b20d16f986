package dev.parley.store;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.push.PendingPush;
import dev.parley.core.push.PushKey;
import dev.parley.core.push.PushStore;
import dev.parley.core.push.PushTarget;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Push state in {@code push_targets}, {@code push_outbox} and {@code push_sent} (on the shard of
 * the device's user, beside its {@code devices} row) and {@code push_mutes} (on the shard of the
 * conversation, so one read per message finds every member who muted it). docs/push.md and the
 * contract on {@link PushStore} explain the outbox.
 *
 * <p>Every outbox change is one statement or one write task on the user's shard, so claims,
 * coalescing upserts and settlements of one row exclude each other (the row lock on PostgreSQL,
 * the one writer on SQLite) from any number of nodes.
 */
public final class JdbcPushStore implements PushStore {
    private static final String OUTBOX_COLUMNS = "user_id, device_id, conversation_id, seq, due_at, attempts";

    private final Shards shards;

    public JdbcPushStore(Shards shards) {
        this.shards = shards;
    }

    // ---- targets --------------------------------------------------------------------------

    @Override
    public void setTarget(UserId user, DeviceId device, PushTarget target, long now) {
        Futures.await(shards.forUser(user).write(user.value(), s -> {
            PreparedStatement ps = s.prepare("INSERT INTO push_targets (device_id, user_id, kind, address, p256dh, auth,"
                    + " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id) DO UPDATE SET"
                    + " user_id = excluded.user_id, kind = excluded.kind, address = excluded.address,"
                    + " p256dh = excluded.p256dh, auth = excluded.auth, updated_at = excluded.updated_at");
            ps.setLong(1, device.value());
            ps.setLong(2, user.value());
            ps.setString(3, target.type());
            ps.setString(4, address(target));
            ps.setBytes(5, target instanceof PushTarget.WebPush w ? w.p256dh() : null);
            ps.setBytes(6, target instanceof PushTarget.WebPush w ? w.auth() : null);
            ps.setLong(7, now);
            return ps.executeUpdate();
        }));
    }

    @Override
    public boolean removeTarget(UserId user, DeviceId device) {
        return Futures.await(shards.forUser(user).write(user.value(), s -> {
            PreparedStatement ps = s.prepare("DELETE FROM push_targets WHERE device_id = ? AND user_id = ?");
            ps.setLong(1, device.value());
            ps.setLong(2, user.value());
            boolean had = ps.executeUpdate() == 1;
            for (String table : new String[]{"push_outbox", "push_sent"}) {
                PreparedStatement del = s.prepare("DELETE FROM " + table + " WHERE device_id = ?");
                del.setLong(1, device.value());
                del.executeUpdate();
            }
            return had;
        }));
    }

    @Override
    public void removeTargets(UserId user) {
        Futures.await(shards.forUser(user).write(user.value(), s -> {
            PreparedStatement sent = s.prepare("DELETE FROM push_sent WHERE device_id IN"
                    + " (SELECT device_id FROM push_targets WHERE user_id = ?)");
            sent.setLong(1, user.value());
            sent.executeUpdate();
            for (String table : new String[]{"push_outbox", "push_targets"}) {
                PreparedStatement del = s.prepare("DELETE FROM " + table + " WHERE user_id = ?");
                del.setLong(1, user.value());
                del.executeUpdate();
            }
            return null;
        }));
    }

    @Override
    public Optional<PushTarget> target(UserId user, DeviceId device) {
        return shards.forUser(user).read(s -> {
            PreparedStatement ps = s.prepare("SELECT kind, address, p256dh, auth FROM push_targets"
                    + " WHERE device_id = ? AND user_id = ?");
            ps.setLong(1, device.value());
            ps.setLong(2, user.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(target(rs, 1)) : Optional.<PushTarget>empty();
            }
        });
    }

    @Override
    public Map<UserId, Map<DeviceId, PushTarget>> targets(Collection<UserId> users) {
        Map<Database, List<UserId>> byShard = new LinkedHashMap<>();
        for (UserId u : users) {
            byShard.computeIfAbsent(shards.forUser(u), d -> new ArrayList<>()).add(u);
        }
        Map<UserId, Map<DeviceId, PushTarget>> out = new HashMap<>();
        for (Map.Entry<Database, List<UserId>> e : byShard.entrySet()) {
            e.getKey().read(s -> {
                PreparedStatement ps = s.prepare("SELECT device_id, kind, address, p256dh, auth FROM push_targets"
                        + " WHERE user_id = ?");
                for (UserId u : e.getValue()) {
                    ps.setLong(1, u.value());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            out.computeIfAbsent(u, x -> new HashMap<>()).put(new DeviceId(rs.getLong(1)), target(rs, 2));
                        }
                    }
                }
                return null;
            });
        }
        return out;
    }

    private static String address(PushTarget t) {
        return switch (t) {
            case PushTarget.WebPush w -> w.endpoint();
            case PushTarget.Fcm f -> f.token();
            case PushTarget.Apns a -> a.deviceToken();
            case PushTarget.Webhook w -> w.url();
        };
    }

    /** The target in columns kind, address, p256dh, auth starting at {@code first}. */
    private static PushTarget target(ResultSet rs, int first) throws SQLException {
        String kind = rs.getString(first);
        String address = rs.getString(first + 1);
        return switch (kind) {
            case "webpush" -> new PushTarget.WebPush(address, rs.getBytes(first + 2), rs.getBytes(first + 3));
            case "fcm" -> new PushTarget.Fcm(address);
            case "apns" -> new PushTarget.Apns(address);
            case "webhook" -> new PushTarget.Webhook(address);
            default -> throw new SQLException("unknown push target kind " + kind);
        };
    }

    // ---- mutes ----------------------------------------------------------------------------

    @Override
    public boolean setMuted(ConversationId conversation, UserId user, boolean muted) {
        return Futures.await(shards.forConversation(conversation).write(conversation.value(), s -> {
            PreparedStatement ps = s.prepare(muted
                    ? "INSERT INTO push_mutes (conversation_id, user_id, muted_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING"
                    : "DELETE FROM push_mutes WHERE conversation_id = ? AND user_id = ?");
            ps.setLong(1, conversation.value());
            ps.setLong(2, user.value());
            if (muted) {
                ps.setLong(3, System.currentTimeMillis());
            }
            return ps.executeUpdate() == 1;
        }));
    }

    @Override
    public Set<UserId> mutedIn(ConversationId conversation) {
        return shards.forConversation(conversation).read(s -> {
            PreparedStatement ps = s.prepare("SELECT user_id FROM push_mutes WHERE conversation_id = ?");
            ps.setLong(1, conversation.value());
            Set<UserId> out = new HashSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new UserId(rs.getLong(1)));
                }
            }
            return out;
        });
    }

    // ---- outbox ---------------------------------------------------------------------------

    @Override
    public void enqueue(Map<PushKey, Long> seqs, long now, long windowMs) {
        Map<Database, List<Map.Entry<PushKey, Long>>> byShard = new LinkedHashMap<>();
        for (Map.Entry<PushKey, Long> e : seqs.entrySet()) {
            byShard.computeIfAbsent(shards.forUser(e.getKey().user()), d -> new ArrayList<>()).add(e);
        }
        List<java.util.concurrent.CompletableFuture<Integer>> writes = new ArrayList<>();
        for (Map.Entry<Database, List<Map.Entry<PushKey, Long>>> shard : byShard.entrySet()) {
            Database db = shard.getKey();
            String greatest = db.dialect().greatest();
            long key = shard.getValue().getFirst().getKey().conversation().value();
            writes.add(db.write(key, s -> {
                PreparedStatement ps = s.prepare("INSERT INTO push_outbox (device_id, conversation_id, user_id, seq,"
                        + " due_at, attempts) SELECT ?, ?, ?, ?, " + greatest + "(?, COALESCE((SELECT last_at + ? FROM"
                        + " push_sent WHERE device_id = ? AND conversation_id = ?), 0)), 0 WHERE NOT EXISTS (SELECT 1"
                        + " FROM push_sent WHERE device_id = ? AND conversation_id = ? AND last_seq >= ?)"
                        + " ON CONFLICT (device_id, conversation_id) DO UPDATE SET seq = " + greatest
                        + "(push_outbox.seq, excluded.seq)");
                int n = 0;
                for (Map.Entry<PushKey, Long> e : shard.getValue()) {
                    PushKey k = e.getKey();
                    ps.setLong(1, k.device().value());
                    ps.setLong(2, k.conversation().value());
                    ps.setLong(3, k.user().value());
                    ps.setLong(4, e.getValue());
                    ps.setLong(5, now);
                    ps.setLong(6, windowMs);
                    ps.setLong(7, k.device().value());
                    ps.setLong(8, k.conversation().value());
                    ps.setLong(9, k.device().value());
                    ps.setLong(10, k.conversation().value());
                    ps.setLong(11, e.getValue());
                    n += ps.executeUpdate();
                }
                return n;
            }));
        }
        for (var w : writes) {
            Futures.await(w);
        }
    }

    @Override
    public List<PendingPush> due(long now, int limit) {
        List<PendingPush> out = new ArrayList<>();
        for (Database db : shards.all()) {
            out.addAll(db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT " + OUTBOX_COLUMNS + " FROM push_outbox WHERE due_at <= ?"
                        + " AND (lease_until IS NULL OR lease_until < ?) ORDER BY due_at LIMIT ?");
                ps.setLong(1, now);
                ps.setLong(2, now);
                ps.setInt(3, limit);
                List<PendingPush> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rows.add(pending(rs));
                    }
                }
                return rows;
            }));
        }
        out.sort(Comparator.comparingLong(PendingPush::dueAt));
        return out.size() > limit ? out.subList(0, limit) : out;
    }

    private static PendingPush pending(ResultSet rs) throws SQLException {
        return new PendingPush(new PushKey(new UserId(rs.getLong(1)), new DeviceId(rs.getLong(2)),
                new ConversationId(rs.getLong(3))), rs.getLong(4), rs.getLong(5), rs.getInt(6));
    }

    @Override
    public OptionalLong nextDue() {
        long now = System.currentTimeMillis();
        OptionalLong best = OptionalLong.empty();
        for (Database db : shards.all()) {
            Long min = db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT min(due_at) FROM push_outbox"
                        + " WHERE lease_until IS NULL OR lease_until < ?");
                ps.setLong(1, now);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        long v = rs.getLong(1);
                        return rs.wasNull() ? null : v;
                    }
                    return null;
                }
            });
            if (min != null && (best.isEmpty() || min < best.getAsLong())) {
                best = OptionalLong.of(min);
            }
        }
        return best;
    }

    @Override
    public long pending() {
        long n = 0;
        for (Database db : shards.all()) {
            n += db.read(s -> {
                try (ResultSet rs = s.prepare("SELECT count(*) FROM push_outbox").executeQuery()) {
                    return rs.next() ? rs.getLong(1) : 0L;
                }
            });
        }
        return n;
    }

    @Override
    public Optional<PendingPush> claim(PushKey key, long now, long leaseUntil, int node) {
        return Futures.await(shards.forUser(key.user()).write(key.user().value(), s -> {
            PreparedStatement ps = s.prepare("SELECT seq, due_at, attempts, lease_until, claimed_seq FROM push_outbox"
                    + " WHERE device_id = ? AND conversation_id = ?" + s.dialect().forUpdate());
            ps.setLong(1, key.device().value());
            ps.setLong(2, key.conversation().value());
            long seq;
            long dueAt;
            int attempts;
            long leased;
            long claimed;
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.<PendingPush>empty();
                }
                seq = rs.getLong(1);
                dueAt = rs.getLong(2);
                attempts = rs.getInt(3);
                leased = rs.getLong(4);
                leased = rs.wasNull() ? -1 : leased;
                claimed = rs.getLong(5);
                claimed = rs.wasNull() ? -1 : claimed;
            }
            if (dueAt > now || leased >= now) {
                return Optional.<PendingPush>empty();
            }
            if (claimed >= 0) {
                // A lease that ran out with its claim unsettled: the node sending it died, maybe
                // after the service took it. Count it as pushed rather than risk a second one.
                recordPushed(s, key, claimed, now);
            }
            if (seq <= Math.max(claimed, lastPushed(s, key))) {
                delete(s, key);
                return Optional.<PendingPush>empty();
            }
            PreparedStatement take = s.prepare("UPDATE push_outbox SET lease_until = ?, lease_node = ?, claimed_seq = seq,"
                    + " attempts = attempts + 1 WHERE device_id = ? AND conversation_id = ?");
            take.setLong(1, leaseUntil);
            take.setInt(2, node);
            take.setLong(3, key.device().value());
            take.setLong(4, key.conversation().value());
            take.executeUpdate();
            return Optional.of(new PendingPush(key, seq, dueAt, attempts + 1));
        }));
    }

    @Override
    public void settle(PushKey key, long claimedSeq, Settlement how, long now, long nextDueAt) {
        Futures.await(shards.forUser(key.user()).write(key.user().value(), s -> {
            if (how == Settlement.PUSHED) {
                recordPushed(s, key, claimedSeq, now);
            }
            PreparedStatement ps = s.prepare("SELECT seq FROM push_outbox WHERE device_id = ? AND conversation_id = ?"
                    + s.dialect().forUpdate());
            ps.setLong(1, key.device().value());
            ps.setLong(2, key.conversation().value());
            long seq;
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                seq = rs.getLong(1);
            }
            if (how != Settlement.RETRY && seq <= claimedSeq) {
                delete(s, key);
                return null;
            }
            PreparedStatement release = s.prepare("UPDATE push_outbox SET lease_until = NULL, lease_node = NULL,"
                    + " claimed_seq = NULL, due_at = ?, attempts = CASE WHEN ? THEN attempts ELSE 0 END"
                    + " WHERE device_id = ? AND conversation_id = ?");
            release.setLong(1, nextDueAt);
            release.setBoolean(2, how == Settlement.RETRY);
            release.setLong(3, key.device().value());
            release.setLong(4, key.conversation().value());
            release.executeUpdate();
            return null;
        }));
    }

    @Override
    public int resolveAbandoned(int node, long now) {
        int total = 0;
        for (Database db : shards.all()) {
            String greatest = db.dialect().greatest();
            total += Futures.await(db.write(node, s -> {
                PreparedStatement count = s.prepare("SELECT count(*) FROM push_outbox WHERE lease_node = ?"
                        + " AND claimed_seq IS NOT NULL");
                count.setInt(1, node);
                int n;
                try (ResultSet rs = count.executeQuery()) {
                    n = rs.next() ? rs.getInt(1) : 0;
                }
                if (n == 0) {
                    return 0;
                }
                PreparedStatement sent = s.prepare("INSERT INTO push_sent (device_id, conversation_id, last_seq, last_at)"
                        + " SELECT device_id, conversation_id, claimed_seq, ? FROM push_outbox WHERE lease_node = ?"
                        + " AND claimed_seq IS NOT NULL ON CONFLICT (device_id, conversation_id) DO UPDATE SET"
                        + " last_seq = " + greatest + "(push_sent.last_seq, excluded.last_seq), last_at = excluded.last_at");
                sent.setLong(1, now);
                sent.setInt(2, node);
                sent.executeUpdate();
                PreparedStatement done = s.prepare("DELETE FROM push_outbox WHERE lease_node = ? AND claimed_seq IS NOT NULL"
                        + " AND seq <= claimed_seq");
                done.setInt(1, node);
                done.executeUpdate();
                PreparedStatement rest = s.prepare("UPDATE push_outbox SET lease_until = NULL, lease_node = NULL,"
                        + " claimed_seq = NULL, attempts = 0 WHERE lease_node = ? AND claimed_seq IS NOT NULL");
                rest.setInt(1, node);
                rest.executeUpdate();
                return n;
            }));
        }
        return total;
    }

    private static void recordPushed(SqlSession s, PushKey key, long seq, long now) throws SQLException {
        PreparedStatement ps = s.prepare("INSERT INTO push_sent (device_id, conversation_id, last_seq, last_at)"
                + " VALUES (?, ?, ?, ?) ON CONFLICT (device_id, conversation_id) DO UPDATE SET last_seq = "
                + s.dialect().greatest() + "(push_sent.last_seq, excluded.last_seq), last_at = excluded.last_at");
        ps.setLong(1, key.device().value());
        ps.setLong(2, key.conversation().value());
        ps.setLong(3, seq);
        ps.setLong(4, now);
        ps.executeUpdate();
    }

    private static long lastPushed(SqlSession s, PushKey key) throws SQLException {
        PreparedStatement ps = s.prepare("SELECT last_seq FROM push_sent WHERE device_id = ? AND conversation_id = ?");
        ps.setLong(1, key.device().value());
        ps.setLong(2, key.conversation().value());
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : -1;
        }
    }

    private static void delete(SqlSession s, PushKey key) throws SQLException {
        PreparedStatement ps = s.prepare("DELETE FROM push_outbox WHERE device_id = ? AND conversation_id = ?");
        ps.setLong(1, key.device().value());
        ps.setLong(2, key.conversation().value());
        ps.executeUpdate();
    }
}
