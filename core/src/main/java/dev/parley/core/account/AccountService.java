package dev.parley.core.account;

import dev.parley.core.ChatException;
import dev.parley.core.ChatException.Refusal;
import dev.parley.core.IdGenerator;
import dev.parley.core.push.PushStore;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Registration, login, logout and device management. Blocking: run it on virtual threads.
 */
public final class AccountService {
    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{2,31}");
    public static final int MIN_PASSWORD = 8;
    public static final int MAX_PASSWORD = 1024;
    public static final int MAX_DEVICE_NAME = 64;

    private final AccountStore store;
    private final PasswordHasher hasher;
    private final ConnectedDevices connections;
    private final IdGenerator ids;
    private final Clock clock;
    /** Push targets die with their device (logout, revocation, deleted account); null without push. */
    private final PushStore pushes;
    /** Verified against when the username is unknown, so timing does not reveal which usernames exist. */
    private final String decoyHash;

    public AccountService(AccountStore store, PasswordHasher hasher, ConnectedDevices connections,
                          IdGenerator ids, Clock clock) {
        this(store, hasher, connections, ids, clock, null);
    }

    public AccountService(AccountStore store, PasswordHasher hasher, ConnectedDevices connections,
                          IdGenerator ids, Clock clock, PushStore pushes) {
        this.pushes = pushes;
        this.store = store;
        this.hasher = hasher;
        this.connections = connections;
        this.ids = ids;
        this.clock = clock;
        this.decoyHash = hasher.hash(AccessToken.generate());
    }

    /** A successful login: the device and its token, which is shown to the client only now. */
    public record Login(String token, Device device) {
    }

    public Account register(String username, String password) {
        String name = normalizeUsername(username);
        checkPassword(password);
        Account account = new Account(new UserId(ids.next()), name, hasher.hash(password), false, now());
        return store.createAccount(account)
                .orElseThrow(() -> new ChatException(Refusal.USERNAME_TAKEN, "username is taken"));
    }

    public Login login(String username, String password, String deviceName) {
        String name = normalizeUsername(username);
        if (password == null || password.length() > MAX_PASSWORD) {
            throw new ChatException(Refusal.INVALID_CREDENTIALS, "wrong username or password");
        }
        String device = deviceName == null || deviceName.isBlank() ? "device" : deviceName.strip();
        if (device.length() > MAX_DEVICE_NAME) {
            throw ChatException.invalid("deviceName is longer than " + MAX_DEVICE_NAME + " characters");
        }
        Optional<Account> found = store.findAccountByUsername(name);
        boolean ok = hasher.verify(password, found.map(Account::passwordHash).orElse(decoyHash));
        if (found.isEmpty() || !ok) {
            throw new ChatException(Refusal.INVALID_CREDENTIALS, "wrong username or password");
        }
        Account account = found.get();
        if (account.disabled()) {
            throw new ChatException(Refusal.ACCOUNT_DISABLED, "account is disabled");
        }
        String token = AccessToken.generate();
        Instant now = now();
        Device d = new Device(new DeviceId(ids.next()), account.id(), device, now, now);
        store.createDevice(d, AccessToken.hash(token));
        return new Login(token, d);
    }

    /** The device holding this token; refuses unknown, revoked or malformed tokens alike. */
    public Caller authenticate(String token) {
        if (token == null || token.isEmpty() || token.length() > AccessToken.MAX_LENGTH) {
            throw new ChatException(Refusal.UNAUTHENTICATED, "missing or invalid token");
        }
        Device d = store.findDeviceByTokenHash(AccessToken.hash(token))
                .orElseThrow(() -> new ChatException(Refusal.UNAUTHENTICATED, "missing or invalid token"));
        Account account = store.findAccount(d.userId())
                .orElseThrow(() -> new ChatException(Refusal.UNAUTHENTICATED, "missing or invalid token"));
        if (account.disabled()) {
            throw new ChatException(Refusal.ACCOUNT_DISABLED, "account is disabled");
        }
        return new Caller(d.userId(), d.id());
    }

    public void logout(Caller caller) {
        revokeDevice(caller, caller.deviceId());
    }

    public List<Device> devices(Caller caller) {
        return devices(caller.userId());
    }

    public List<Device> devices(UserId user) {
        return store.listDevices(user);
    }

    public void revokeDevice(Caller caller, DeviceId deviceId) {
        revokeDevice(caller.userId(), deviceId);
    }

    /** Revokes one of the user's devices, closes its connections and removes its push target. */
    public void revokeDevice(UserId user, DeviceId deviceId) {
        if (!store.revokeDevice(user, deviceId)) {
            throw ChatException.notFound("device");
        }
        if (pushes != null) {
            pushes.removeTarget(user, deviceId);
        }
        connections.disconnect(user, deviceId, ConnectedDevices.Reason.LOGGED_OUT);
    }

    public Account account(UserId id) {
        return store.findAccount(id).orElseThrow(() -> ChatException.notFound("user"));
    }

    public Account accountByUsername(String username) {
        String name = username == null ? "" : username.toLowerCase(Locale.ROOT);
        return store.findAccountByUsername(name).orElseThrow(() -> ChatException.notFound("user"));
    }

    public List<Account> accounts(List<UserId> ids) {
        return store.findAccounts(ids);
    }

    /** Disables or re-enables an account; disabling ends its connections at once. */
    public void setDisabled(UserId userId, boolean disabled) {
        if (!store.setDisabled(userId, disabled)) {
            throw ChatException.notFound("user");
        }
        if (disabled) {
            connections.disconnectAll(userId, ConnectedDevices.Reason.ACCOUNT_DISABLED);
        }
    }

    /** Deletes an account (see {@link AccountStore#deleteAccount}); its connections end at once. */
    public void deleteAccount(UserId userId) {
        if (!store.deleteAccount(userId)) {
            throw ChatException.notFound("user");
        }
        if (pushes != null) {
            pushes.removeTargets(userId);
        }
        connections.disconnectAll(userId, ConnectedDevices.Reason.ACCOUNT_DISABLED);
    }

    public void touch(DeviceId deviceId) {
        store.touchDevice(deviceId, now());
    }

    static String normalizeUsername(String username) {
        if (username == null) {
            throw ChatException.invalid("username is required");
        }
        String name = username.toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(name).matches()) {
            throw ChatException.invalid(
                    "username must be 3 to 32 characters of a-z, 0-9, '_', '.', '-', starting with a letter or digit");
        }
        return name;
    }

    private static void checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            throw ChatException.invalid("password must be " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
        }
    }

    private Instant now() {
        return clock.instant();
    }
}
