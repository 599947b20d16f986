package dev.parley.store;

import dev.parley.core.account.Account;
import dev.parley.core.account.ApiToken;
import dev.parley.core.account.Caller;
import dev.parley.core.account.Scope;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.Device;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.Invite;
import dev.parley.core.account.UserId;
import dev.parley.core.presence.LastSeenStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Accounts and devices in the {@code users} and {@code devices} tables, on the shard of the user's
 * id; the claim of each username in {@code usernames}, on the shard of the name.
 *
 * <p>Usernames are unique through their claim, not through a constraint on {@code users}, because
 * with several shards two users' rows may sit in different databases. When the user's row and the
 * claim share a database (always with one), both are written in one transaction. Otherwise the
 * row is written first and the name claimed second: if the name is taken, the row is deleted
 * again; if the node dies in between, the row stays behind unclaimed, and since nothing refers to
 * an id whose registration never returned, it is harmless. The reverse order could leave a claim
 * without a user, holding a name nobody can use.
 *
 * <p>Invites live in {@code invites} on the shard of their code's hash. A use is taken with one
 * conditional {@code UPDATE} (so concurrent redemptions never overdraw it) and given back the same
 * way when the registration then fails; a node that dies in between loses that one use.
 */
public final class JdbcAccountStore implements AccountStore, LastSeenStore {
    private static final String ACCOUNT_COLUMNS = "id, username, password_hash, disabled, created_at";
    private static final String DEVICE_COLUMNS = "id, user_id, name, created_at, last_seen_at";
    /** What an account is read with: its columns and whether it is a bot. */
    private static final String ACCOUNT_READ = ACCOUNT_COLUMNS + ", bot";

    private final Shards shards;

    public JdbcAccountStore(Database db) {
        this(Shards.of(db));
    }

    public JdbcAccountStore(Shards shards) {
        this.shards = shards;
    }

    @Override
    public Optional<Account> createAccount(Account a) {
        long user = a.id().value();
        Database home = shards.forUser(a.id());
        Database names = shards.forUsername(a.username());
        if (home == names) {
            boolean created = Futures.await(home.write(user, s -> {
                if (!claim(s, a.username(), user)) {
                    return false;
                }
                if (insertUser(s, a)) {
                    return true;
                }
                // A row holds the name without a claim (SQLite's UNIQUE): the name is not free.
                release(s, a.username(), user);
                return false;
            }));
            return created ? Optional.of(a) : Optional.empty();
        }
        if (!Futures.await(home.write(user, s -> insertUser(s, a)))) {
            return Optional.empty();
        }
        if (Futures.await(names.write(Shards.usernameKey(a.username()), s -> claim(s, a.username(), user)))) {
            return Optional.of(a);
        }
        Futures.await(home.write(user, s -> {
            PreparedStatement ps = s.prepare("DELETE FROM users WHERE id = ?");
            ps.setLong(1, user);
            return ps.executeUpdate();
        }));
        return Optional.empty();
    }

    private static boolean insertUser(SqlSession s, Account a) throws SQLException {
        PreparedStatement ps = s.prepare("INSERT INTO users (" + ACCOUNT_COLUMNS + ") VALUES (?, ?, ?, ?, ?)"
                + " ON CONFLICT DO NOTHING");
        ps.setLong(1, a.id().value());
        ps.setString(2, a.username());
        ps.setString(3, a.passwordHash());
        ps.setInt(4, a.disabled() ? 1 : 0);
        ps.setLong(5, a.createdAt().toEpochMilli());
        return ps.executeUpdate() == 1;
    }

    /** Claims the name for the user; true if it is now theirs (or already was). */
    private static boolean claim(SqlSession s, String username, long user) throws SQLException {
        PreparedStatement ps = s.prepare("INSERT INTO usernames (username, user_id) VALUES (?, ?)"
                + " ON CONFLICT (username) DO NOTHING");
        ps.setString(1, username);
        ps.setLong(2, user);
        if (ps.executeUpdate() == 1) {
            return true;
        }
        return holderOf(s, username) == user;
    }

    private static void release(SqlSession s, String username, long user) throws SQLException {
        PreparedStatement ps = s.prepare("DELETE FROM usernames WHERE username = ? AND user_id = ?");
        ps.setString(1, username);
        ps.setLong(2, user);
        ps.executeUpdate();
    }

    /** The id of the user holding the name, or 0. */
    private static long holderOf(SqlSession s, String username) throws SQLException {
        PreparedStatement ps = s.prepare("SELECT user_id FROM usernames WHERE username = ?");
        ps.setString(1, username);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    @Override
    public Optional<Account> findAccount(UserId id) {
        return shards.forUser(id).read(s -> {
            PreparedStatement ps = s.prepare("SELECT " + ACCOUNT_READ + " FROM users WHERE id = ?");
            ps.setLong(1, id.value());
            return oneAccount(ps);
        });
    }

    @Override
    public Optional<Account> findAccountByUsername(String username) {
        long holder = shards.forUsername(username).read(s -> holderOf(s, username));
        if (holder == 0) {
            return Optional.empty();
        }
        return shards.forKey(holder).read(s -> {
            PreparedStatement ps = s.prepare("SELECT " + ACCOUNT_READ + " FROM users WHERE id = ? AND username = ?");
            ps.setLong(1, holder);
            ps.setString(2, username);
            return oneAccount(ps);
        });
    }

    @Override
    public List<Account> findAccounts(List<UserId> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Map<Database, List<UserId>> byShard = new LinkedHashMap<>();
        for (UserId id : ids) {
            byShard.computeIfAbsent(shards.forUser(id), d -> new ArrayList<>()).add(id);
        }
        Map<UserId, Account> found = new HashMap<>();
        for (Map.Entry<Database, List<UserId>> e : byShard.entrySet()) {
            e.getKey().read(s -> {
                PreparedStatement ps = s.prepare("SELECT " + ACCOUNT_READ + " FROM users WHERE id = ?");
                for (UserId id : e.getValue()) {
                    ps.setLong(1, id.value());
                    oneAccount(ps).ifPresent(a -> found.put(id, a));
                }
                return null;
            });
        }
        List<Account> out = new ArrayList<>(found.size());
        for (UserId id : ids) {
            Account a = found.get(id);
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    private static Optional<Account> oneAccount(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Account(new UserId(rs.getLong(1)), rs.getString(2), rs.getString(3),
                    rs.getInt(4) != 0, Instant.ofEpochMilli(rs.getLong(5)), rs.getInt(6) != 0));
        }
    }

    @Override
    public void createDevice(Device d, byte[] tokenHash) {
        Futures.await(shards.forUser(d.userId()).write(d.userId().value(), s -> {
            PreparedStatement ps = s.prepare("INSERT INTO devices (id, user_id, name, token_hash, created_at, last_seen_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)");
            ps.setLong(1, d.id().value());
            ps.setLong(2, d.userId().value());
            ps.setString(3, d.name());
            ps.setBytes(4, tokenHash);
            ps.setLong(5, d.createdAt().toEpochMilli());
            ps.setLong(6, d.lastSeenAt().toEpochMilli());
            return ps.executeUpdate();
        }));
    }

    @Override
    public void createApiToken(ApiToken t, byte[] tokenHash) {
        Futures.await(shards.forUser(t.userId()).write(t.userId().value(), s -> {
            PreparedStatement ps = s.prepare("INSERT INTO devices (id, user_id, name, token_hash, created_at, last_seen_at,"
                    + " scopes) VALUES (?, ?, ?, ?, ?, ?, ?)");
            ps.setLong(1, t.id().value());
            ps.setLong(2, t.userId().value());
            ps.setString(3, t.name());
            ps.setBytes(4, tokenHash);
            ps.setLong(5, t.createdAt().toEpochMilli());
            ps.setLong(6, t.lastUsedAt().toEpochMilli());
            ps.setString(7, Scope.encode(t.scopes()));
            return ps.executeUpdate();
        }));
    }

    @Override
    public List<ApiToken> listApiTokens(UserId userId) {
        return shards.forUser(userId).read(s -> {
            PreparedStatement ps = s.prepare("SELECT " + DEVICE_COLUMNS + ", scopes FROM devices"
                    + " WHERE user_id = ? AND revoked_at IS NULL AND scopes IS NOT NULL ORDER BY created_at, id");
            ps.setLong(1, userId.value());
            List<ApiToken> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new ApiToken(new DeviceId(rs.getLong(1)), new UserId(rs.getLong(2)), rs.getString(3),
                            Scope.decode(rs.getString(6)), Instant.ofEpochMilli(rs.getLong(4)),
                            Instant.ofEpochMilli(rs.getLong(5))));
                }
            }
            return out;
        });
    }

    @Override
    public void setBot(UserId userId, boolean bot) {
        Futures.await(shards.forUser(userId).write(userId.value(), s -> {
            PreparedStatement ps = s.prepare("UPDATE users SET bot = ? WHERE id = ?");
            ps.setInt(1, bot ? 1 : 0);
            ps.setLong(2, userId.value());
            return ps.executeUpdate();
        }));
    }

    @Override
    public boolean isBot(UserId userId) {
        return findAccount(userId).map(Account::bot).orElse(false);
    }

    /** The device and, for an API token, its scopes, in the one lookup a token needs. */
    @Override
    public Optional<Caller> findCallerByTokenHash(byte[] tokenHash) {
        for (Database db : shards.all()) {
            Optional<Caller> found = db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT id, user_id, scopes FROM devices"
                        + " WHERE token_hash = ? AND revoked_at IS NULL");
                ps.setBytes(1, tokenHash);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.<Caller>empty();
                    }
                    String scopes = rs.getString(3);
                    UserId user = new UserId(rs.getLong(2));
                    DeviceId device = new DeviceId(rs.getLong(1));
                    return Optional.of(scopes == null ? new Caller(user, device)
                            : new Caller(user, device, Scope.decode(scopes), true));
                }
            });
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /**
     * A token tells nothing of its user, so every shard is asked (one indexed lookup each, once per
     * connection); with one database that is the one lookup.
     */
    @Override
    public Optional<Device> findDeviceByTokenHash(byte[] tokenHash) {
        for (Database db : shards.all()) {
            Optional<Device> found = db.read(s -> {
                PreparedStatement ps = s.prepare("SELECT " + DEVICE_COLUMNS
                        + " FROM devices WHERE token_hash = ? AND revoked_at IS NULL");
                ps.setBytes(1, tokenHash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(device(rs)) : Optional.<Device>empty();
                }
            });
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    @Override
    public List<Device> listDevices(UserId userId) {
        return shards.forUser(userId).read(s -> {
            PreparedStatement ps = s.prepare("SELECT " + DEVICE_COLUMNS
                    + " FROM devices WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at, id");
            ps.setLong(1, userId.value());
            List<Device> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(device(rs));
                }
            }
            return out;
        });
    }

    private static Device device(ResultSet rs) throws SQLException {
        return new Device(new DeviceId(rs.getLong(1)), new UserId(rs.getLong(2)), rs.getString(3),
                Instant.ofEpochMilli(rs.getLong(4)), Instant.ofEpochMilli(rs.getLong(5)));
    }

    @Override
    public boolean revokeDevice(UserId userId, DeviceId deviceId) {
        long now = System.currentTimeMillis();
        return Futures.await(shards.forUser(userId).write(userId.value(), s -> {
            PreparedStatement ps = s.prepare(
                    "UPDATE devices SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL");
            ps.setLong(1, now);
            ps.setLong(2, deviceId.value());
            ps.setLong(3, userId.value());
            return ps.executeUpdate() == 1;
        }));
    }

    /**
     * Queued, not awaited (best effort). Only the device's id is given, not its user's, so with
     * several shards the update goes to each; where the device is not, it changes nothing.
     */
    @Override
    public void touchDevice(DeviceId deviceId, Instant at) {
        for (Database db : shards.all()) {
            db.write(deviceId.value(), s -> {
                PreparedStatement ps = s.prepare("UPDATE devices SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?");
                ps.setLong(1, at.toEpochMilli());
                ps.setLong(2, deviceId.value());
                ps.setLong(3, at.toEpochMilli());
                return ps.executeUpdate();
            });
        }
    }

    /**
     * Releases the username first, then renames, disables and revokes. Should the node die between
     * the two, the account is left live but unreachable by its name; deleting it again finishes.
     */
    @Override
    public boolean deleteAccount(UserId userId) {
        long user = userId.value();
        String deletedName = "deleted-" + user;
        Database home = shards.forUser(userId);
        Optional<String> name = home.read(s -> {
            PreparedStatement ps = s.prepare("SELECT username FROM users WHERE id = ? AND username <> ?");
            ps.setLong(1, user);
            ps.setString(2, deletedName);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.<String>empty();
            }
        });
        if (name.isEmpty()) {
            return false;
        }
        long now = System.currentTimeMillis();
        SqlTask<Boolean> retire = s -> {
            PreparedStatement rename = s.prepare("UPDATE users SET username = ?, password_hash = '', disabled = 1"
                    + " WHERE id = ? AND username <> ?");
            rename.setString(1, deletedName);
            rename.setLong(2, user);
            rename.setString(3, deletedName);
            if (rename.executeUpdate() == 0) {
                return false;
            }
            PreparedStatement devices = s.prepare("UPDATE devices SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL");
            devices.setLong(1, now);
            devices.setLong(2, user);
            devices.executeUpdate();
            return true;
        };
        Database names = shards.forUsername(name.get());
        if (names == home) {
            return Futures.await(home.write(user, s -> {
                release(s, name.get(), user);
                return retire.run(s);
            }));
        }
        Futures.await(names.write(Shards.usernameKey(name.get()), s -> {
            release(s, name.get(), user);
            return null;
        }));
        return Futures.await(home.write(user, retire));
    }

    @Override
    public boolean setPasswordHash(UserId userId, String passwordHash) {
        return Futures.await(shards.forUser(userId).write(userId.value(), s -> {
            PreparedStatement ps = s.prepare("UPDATE users SET password_hash = ? WHERE id = ? AND username <> ?");
            ps.setString(1, passwordHash);
            ps.setLong(2, userId.value());
            ps.setString(3, Account.deletedName(userId));
            return ps.executeUpdate() == 1;
        }));
    }

    @Override
    public boolean setDisabled(UserId userId, boolean disabled) {
        return Futures.await(shards.forUser(userId).write(userId.value(), s -> {
            PreparedStatement ps = s.prepare("UPDATE users SET disabled = ? WHERE id = ?");
            ps.setInt(1, disabled ? 1 : 0);
            ps.setLong(2, userId.value());
            return ps.executeUpdate() == 1;
        }));
    }

    @Override
    public long lastSeen(UserId user) {
        return shards.forUser(user).read(s -> {
            PreparedStatement ps = s.prepare("SELECT max(last_seen_at) FROM devices WHERE user_id = ?");
            ps.setLong(1, user.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    @Override
    public void createInvite(Invite invite) {
        Futures.await(inviteShard(invite.codeHash()).write(inviteKey(invite.codeHash()), s -> {
            PreparedStatement ps = s.prepare("INSERT INTO invites (code_hash, uses_left, expires_at, created_at)"
                    + " VALUES (?, ?, ?, ?)");
            ps.setBytes(1, invite.codeHash());
            ps.setInt(2, invite.usesLeft());
            ps.setLong(3, invite.expiresAt().toEpochMilli());
            ps.setLong(4, invite.createdAt().toEpochMilli());
            return ps.executeUpdate();
        }));
    }

    @Override
    public boolean redeemInvite(byte[] codeHash, Instant now) {
        return Futures.await(inviteShard(codeHash).write(inviteKey(codeHash), s -> {
            PreparedStatement ps = s.prepare("UPDATE invites SET uses_left = uses_left - 1"
                    + " WHERE code_hash = ? AND uses_left > 0 AND expires_at > ?");
            ps.setBytes(1, codeHash);
            ps.setLong(2, now.toEpochMilli());
            return ps.executeUpdate() == 1;
        }));
    }

    @Override
    public void returnInvite(byte[] codeHash) {
        Futures.await(inviteShard(codeHash).write(inviteKey(codeHash), s -> {
            PreparedStatement ps = s.prepare("UPDATE invites SET uses_left = uses_left + 1 WHERE code_hash = ?");
            ps.setBytes(1, codeHash);
            return ps.executeUpdate();
        }));
    }

    private Database inviteShard(byte[] codeHash) {
        return shards.forKey(inviteKey(codeHash));
    }

    /** The first 8 bytes of the code's SHA-256: already uniformly spread. */
    private static long inviteKey(byte[] codeHash) {
        long k = 0;
        for (int i = 0; i < 8; i++) {
            k = (k << 8) | (codeHash[i] & 0xff);
        }
        return k;
    }
}
