package dev.parley.core.memory;

import dev.parley.core.account.Account;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.Device;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.Invite;
import dev.parley.core.account.UserId;
import dev.parley.core.presence.LastSeenStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** Accounts, devices and invites in memory; checked by the same contract as the SQL stores. */
public final class MemoryAccountStore implements AccountStore, LastSeenStore {
    private final MemoryData data;

    MemoryAccountStore(MemoryData data) {
        this.data = data;
    }

    private <T> T locked(Supplier<T> work) {
        data.lock.lock();
        try {
            return work.get();
        } finally {
            data.lock.unlock();
        }
    }

    @Override
    public Optional<Account> createAccount(Account account) {
        return locked(() -> {
            if (data.usernames.containsKey(account.username()) || data.accounts.containsKey(account.id())) {
                return Optional.empty();
            }
            data.usernames.put(account.username(), account.id());
            data.accounts.put(account.id(), account);
            return Optional.of(account);
        });
    }

    @Override
    public Optional<Account> findAccount(UserId id) {
        return locked(() -> Optional.ofNullable(data.accounts.get(id)));
    }

    @Override
    public Optional<Account> findAccountByUsername(String username) {
        return locked(() -> Optional.ofNullable(data.usernames.get(username)).map(data.accounts::get));
    }

    @Override
    public List<Account> findAccounts(List<UserId> ids) {
        return locked(() -> {
            List<Account> out = new ArrayList<>();
            for (UserId id : ids) {
                Account a = data.accounts.get(id);
                if (a != null && !out.contains(a)) {
                    out.add(a);
                }
            }
            return out;
        });
    }

    @Override
    public void createDevice(Device device, byte[] tokenHash) {
        locked(() -> {
            String hash = MemoryData.hex(tokenHash);
            if (data.devices.containsKey(device.id()) || data.deviceByTokenHash.containsKey(hash)) {
                throw new IllegalStateException("a device with this id or token exists");
            }
            data.devices.put(device.id(), new MemoryData.DeviceRow(device, hash));
            data.deviceByTokenHash.put(hash, device.id());
            return null;
        });
    }

    @Override
    public Optional<Device> findDeviceByTokenHash(byte[] tokenHash) {
        return locked(() -> {
            DeviceId id = data.deviceByTokenHash.get(MemoryData.hex(tokenHash));
            MemoryData.DeviceRow row = id == null ? null : data.devices.get(id);
            return row == null || row.revoked ? Optional.empty() : Optional.of(row.device);
        });
    }

    @Override
    public Optional<dev.parley.core.account.Caller> findCallerByTokenHash(byte[] tokenHash) {
        return locked(() -> {
            DeviceId id = data.deviceByTokenHash.get(MemoryData.hex(tokenHash));
            MemoryData.DeviceRow row = id == null ? null : data.devices.get(id);
            if (row == null || row.revoked) {
                return Optional.empty();
            }
            return Optional.of(row.scopes == null ? new dev.parley.core.account.Caller(row.device.userId(), id)
                    : new dev.parley.core.account.Caller(row.device.userId(), id, row.scopes, true));
        });
    }

    @Override
    public void createApiToken(dev.parley.core.account.ApiToken t, byte[] tokenHash) {
        createDevice(new Device(t.id(), t.userId(), t.name(), t.createdAt(), t.lastUsedAt()), tokenHash);
        locked(() -> data.devices.get(t.id()).scopes = t.scopes());
    }

    @Override
    public List<dev.parley.core.account.ApiToken> listApiTokens(UserId userId) {
        return locked(() -> data.devices.values().stream()
                .filter(r -> !r.revoked && r.scopes != null && r.device.userId().equals(userId))
                .sorted(Comparator.comparing((MemoryData.DeviceRow r) -> r.device.createdAt())
                        .thenComparingLong(r -> r.device.id().value()))
                .map(r -> new dev.parley.core.account.ApiToken(r.device.id(), r.device.userId(), r.device.name(),
                        r.scopes, r.device.createdAt(), r.device.lastSeenAt()))
                .toList());
    }

    @Override
    public void setBot(UserId userId, boolean bot) {
        locked(() -> data.accounts.computeIfPresent(userId, (id, a) -> new Account(a.id(), a.username(),
                a.passwordHash(), a.disabled(), a.createdAt(), bot)));
    }

    @Override
    public boolean isBot(UserId userId) {
        return locked(() -> data.accounts.containsKey(userId) && data.accounts.get(userId).bot());
    }

    @Override
    public List<Device> listDevices(UserId userId) {
        return locked(() -> data.devices.values().stream()
                .filter(r -> !r.revoked && r.device.userId().equals(userId))
                .map(r -> r.device)
                .sorted(Comparator.comparing(Device::createdAt).thenComparingLong(d -> d.id().value()))
                .toList());
    }

    @Override
    public boolean revokeDevice(UserId userId, DeviceId deviceId) {
        return locked(() -> {
            MemoryData.DeviceRow row = data.devices.get(deviceId);
            if (row == null || row.revoked || !row.device.userId().equals(userId)) {
                return false;
            }
            row.revoked = true;
            return true;
        });
    }

    @Override
    public void touchDevice(DeviceId deviceId, Instant at) {
        locked(() -> {
            MemoryData.DeviceRow row = data.devices.get(deviceId);
            if (row != null && row.device.lastSeenAt().isBefore(at)) {
                Device d = row.device;
                row.device = new Device(d.id(), d.userId(), d.name(), d.createdAt(), at);
            }
            return null;
        });
    }

    @Override
    public boolean deleteAccount(UserId userId) {
        return locked(() -> {
            Account a = data.accounts.get(userId);
            if (a == null || a.deleted()) {
                return false;
            }
            data.usernames.remove(a.username(), userId);
            data.accounts.put(userId, new Account(userId, Account.deletedName(userId), "", true, a.createdAt()));
            for (MemoryData.DeviceRow row : data.devices.values()) {
                if (row.device.userId().equals(userId)) {
                    row.revoked = true;
                }
            }
            return true;
        });
    }

    @Override
    public boolean setDisabled(UserId userId, boolean disabled) {
        return locked(() -> {
            Account a = data.accounts.get(userId);
            if (a == null) {
                return false;
            }
            data.accounts.put(userId, new Account(userId, a.username(), a.passwordHash(), disabled, a.createdAt()));
            return true;
        });
    }

    @Override
    public void createInvite(Invite invite) {
        locked(() -> {
            String hash = MemoryData.hex(invite.codeHash());
            if (data.invites.putIfAbsent(hash, new MemoryData.InviteRow(invite.usesLeft(), invite.expiresAt())) != null) {
                throw new IllegalStateException("an invite with this code exists");
            }
            return null;
        });
    }

    @Override
    public boolean redeemInvite(byte[] codeHash, Instant now) {
        return locked(() -> {
            MemoryData.InviteRow row = data.invites.get(MemoryData.hex(codeHash));
            if (row == null || row.usesLeft <= 0 || !row.expiresAt.isAfter(now)) {
                return false;
            }
            row.usesLeft--;
            return true;
        });
    }

    @Override
    public void returnInvite(byte[] codeHash) {
        locked(() -> {
            MemoryData.InviteRow row = data.invites.get(MemoryData.hex(codeHash));
            if (row != null) {
                row.usesLeft++;
            }
            return null;
        });
    }

    @Override
    public boolean setPasswordHash(UserId userId, String passwordHash) {
        return locked(() -> {
            Account a = data.accounts.get(userId);
            if (a == null || a.deleted()) {
                return false;
            }
            data.accounts.put(userId, new Account(userId, a.username(), passwordHash, a.disabled(), a.createdAt()));
            return true;
        });
    }

    @Override
    public long lastSeen(UserId user) {
        return locked(() -> data.devices.values().stream()
                .filter(r -> r.device.userId().equals(user))
                .mapToLong(r -> r.device.lastSeenAt().toEpochMilli())
                .max().orElse(0L));
    }
}
