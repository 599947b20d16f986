package dev.parley.store;

import dev.parley.core.account.Account;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.Device;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.presence.LastSeenStore;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Accounts and devices in the {@code users} and {@code devices} tables. */
public final class JdbcAccountStore implements AccountStore, LastSeenStore {
    private static final String ACCOUNT_COLUMNS = "id, username, password_hash, disabled, created_at";
    private static final String DEVICE_COLUMNS = "id, user_id, name, created_at, last_seen_at";

    private final Database db;

    public JdbcAccountStore(Database db) {
        this.db = db;
    }

    @Override
    public Optional<Account> createAccount(Account a) {
        int inserted = Futures.await(db.write(a.id().value(), s -> {
            PreparedStatement ps = s.prepare("INSERT INTO users (" + ACCOUNT_COLUMNS + ") VALUES (?, ?, ?, ?, ?)"
                    + " ON CONFLICT (username) DO NOTHING");
            ps.setLong(1, a.id().value());
            ps.setString(2, a.username());
            ps.setString(3, a.passwordHash());
            ps.setInt(4, a.disabled() ? 1 : 0);
            ps.setLong(5, a.createdAt().toEpochMilli());
            return ps.executeUpdate();
        }));
        return inserted == 1 ? Optional.of(a) : Optional.empty();
    }

    @Override
    public Optional<Account> findAccount(UserId id) {
        return db.read(s -> {
            PreparedStatement ps = s.prepare("SELECT " + ACCOUNT_COLUMNS + " FROM users WHERE id = ?");
            ps.setLong(1, id.value());
            return oneAccount(ps);
        });
    }

    @Override
    public Optional<Account> findAccountByUsername(String username) {
        return db.read(s -> {
            PreparedStatement ps = s.prepare("SELECT " + ACCOUNT_COLUMNS + " FROM users WHERE username = ?");
            ps.setString(1, username);
            return oneAccount(ps);
        });
    }

    @Override
    public List<Account> findAccounts(List<UserId> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return db.read(s -> {
            List<Account> out = new ArrayList<>(ids.size());
            PreparedStatement ps = s.prepare("SELECT " + ACCOUNT_COLUMNS + " FROM users WHERE id = ?");
            for (UserId id : ids) {
                ps.setLong(1, id.value());
                oneAccount(ps).ifPresent(out::add);
            }
            return out;
        });
    }

    private static Optional<Account> oneAccount(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Account(new UserId(rs.getLong(1)), rs.getString(2), rs.getString(3),
                    rs.getInt(4) != 0, Instant.ofEpochMilli(rs.getLong(5))));
        }
    }

    @Override
    public void createDevice(Device d, byte[] tokenHash) {
        Futures.await(db.write(d.userId().value(), s -> {
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
    public Optional<Device> findDeviceByTokenHash(byte[] tokenHash) {
        return db.read(s -> {
            PreparedStatement ps = s.prepare("SELECT " + DEVICE_COLUMNS
                    + " FROM devices WHERE token_hash = ? AND revoked_at IS NULL");
            ps.setBytes(1, tokenHash);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(device(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public List<Device> listDevices(UserId userId) {
        return db.read(s -> {
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
        return Futures.await(db.write(userId.value(), s -> {
            PreparedStatement ps = s.prepare(
                    "UPDATE devices SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL");
            ps.setLong(1, now);
            ps.setLong(2, deviceId.value());
            ps.setLong(3, userId.value());
            return ps.executeUpdate() == 1;
        }));
    }

    @Override
    public void touchDevice(DeviceId deviceId, Instant at) {
        db.write(deviceId.value(), s -> {
            PreparedStatement ps = s.prepare("UPDATE devices SET last_seen_at = ? WHERE id = ? AND last_seen_at < ?");
            ps.setLong(1, at.toEpochMilli());
            ps.setLong(2, deviceId.value());
            ps.setLong(3, at.toEpochMilli());
            return ps.executeUpdate();
        });
    }

    @Override
    public boolean deleteAccount(UserId userId) {
        long now = System.currentTimeMillis();
        return Futures.await(db.write(userId.value(), s -> {
            PreparedStatement user = s.prepare("UPDATE users SET username = ?, password_hash = '', disabled = 1"
                    + " WHERE id = ? AND username NOT LIKE 'deleted-%'");
            user.setString(1, "deleted-" + userId.value());
            user.setLong(2, userId.value());
            if (user.executeUpdate() == 0) {
                return false;
            }
            PreparedStatement devices = s.prepare("UPDATE devices SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL");
            devices.setLong(1, now);
            devices.setLong(2, userId.value());
            devices.executeUpdate();
            return true;
        }));
    }

    @Override
    public boolean setDisabled(UserId userId, boolean disabled) {
        return Futures.await(db.write(userId.value(), s -> {
            PreparedStatement ps = s.prepare("UPDATE users SET disabled = ? WHERE id = ?");
            ps.setInt(1, disabled ? 1 : 0);
            ps.setLong(2, userId.value());
            return ps.executeUpdate() == 1;
        }));
    }

    @Override
    public long lastSeen(UserId user) {
        return db.read(s -> {
            PreparedStatement ps = s.prepare("SELECT max(last_seen_at) FROM devices WHERE user_id = ?");
            ps.setLong(1, user.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }
}
