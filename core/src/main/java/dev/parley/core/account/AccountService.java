package dev.parley.core.account;

import dev.parley.core.ChatException;
import dev.parley.core.ChatException.Refusal;
import dev.parley.core.IdGenerator;
import dev.parley.core.Text;
import dev.parley.core.limit.KeyedAllowance;
import dev.parley.core.push.PushStore;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Registration, login, logout and device management. Blocking: run it on virtual threads.
 *
 * <p>Registration and login through the public API are limited by {@link AccountLimits}: the
 * registration mode, registrations per client address, failed logins per account and per address.
 * An administrator's calls ({@link #createAccount}, {@link #createInvite}) are not.
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
    /**
     * A hash of a random password, verified against when a login names no account, so that the
     * answer takes as long as for a wrong password. Made on first need, or by {@link #prepare}
     * once the node is ready: one hash costs a start about half a second of CPU it needs for
     * accepting connections.
     */
    private volatile String decoyHash;
    private final RegistrationMode registration;
    private final KeyedAllowance registrationsPerAddress;
    private final LoginThrottle logins;
    /** API tokens record their last use at most once a minute each: a token may call for every request. */
    private final KeyedAllowance tokenUses;

    public AccountService(AccountStore store, PasswordHasher hasher, ConnectedDevices connections,
                          IdGenerator ids, Clock clock, PushStore pushes) {
        this(store, hasher, connections, ids, clock, pushes, AccountLimits.defaults());
    }

    /** Makes the decoy hash now, if not made yet (the node calls it after it is ready). Blocking. */
    public void prepare() {
        decoyHash();
    }

    private String decoyHash() {
        String d = decoyHash;
        if (d == null) {
            synchronized (this) {
                d = decoyHash;
                if (d == null) {
                    d = hasher.hash(AccessToken.generate());
                    decoyHash = d;
                }
            }
        }
        return d;
    }

    public AccountService(AccountStore store, PasswordHasher hasher, ConnectedDevices connections,
                          IdGenerator ids, Clock clock, PushStore pushes, AccountLimits limits) {
        this.pushes = pushes;
        this.store = store;
        this.hasher = hasher;
        this.connections = connections;
        this.ids = ids;
        this.clock = clock;
        this.registration = limits.registration();
        this.registrationsPerAddress = new KeyedAllowance(limits.registrationsPerAddress(), limits.trackedKeys(), clock);
        this.logins = new LoginThrottle(limits, clock);
        this.tokenUses = new KeyedAllowance(new dev.parley.core.limit.Rate(1, Duration.ofMinutes(1)), limits.trackedKeys(),
                clock);
    }

    /** A successful login: the device and its token, which is shown to the client only now. */
    public record Login(String token, Device device) {
    }

    /**
     * Self-registration through the public API from the client address {@code origin}: refused
     * when registration is closed, without a valid invite when it is invite-only, and past the
     * address's allowance ({@code RATE_LIMITED}).
     */
    public Account register(String username, String password, String origin, String inviteCode) {
        String name = normalizeUsername(username);
        checkPassword(password);
        if (registration == RegistrationMode.CLOSED) {
            throw new ChatException(Refusal.REGISTRATION_CLOSED, "registration is closed on this node; ask its administrator");
        }
        if (registration == RegistrationMode.INVITE && (inviteCode == null || inviteCode.isEmpty())) {
            throw new ChatException(Refusal.INVITE_REQUIRED, "registration on this node needs an invite code");
        }
        if (origin != null) {
            Duration wait = registrationsPerAddress.tryTake(origin);
            if (!wait.isZero()) {
                throw new ChatException(Refusal.RATE_LIMITED, "too many registrations from this address; try again later",
                        wait);
            }
        }
        byte[] invite = registration == RegistrationMode.INVITE ? AccessToken.hash(inviteCode) : null;
        if (invite != null && !store.redeemInvite(invite, now())) {
            throw new ChatException(Refusal.INVITE_REQUIRED, "the invite code is unknown, expired or used up");
        }
        try {
            return create(name, password);
        } catch (RuntimeException e) {
            if (invite != null) {
                store.returnInvite(invite);
            }
            // Refused unjudged (the node was too busy to hash): the address keeps its allowance.
            if (origin != null && e instanceof ChatException ce && ce.refusal() == Refusal.UNAVAILABLE) {
                registrationsPerAddress.giveBack(origin);
            }
            throw e;
        }
    }

    /** An account made by an administrator: no registration mode or allowance applies. */
    public Account createAccount(String username, String password) {
        String name = normalizeUsername(username);
        checkPassword(password);
        return create(name, password);
    }

    /** A new invite allowing {@code uses} registrations until {@code validFor} from now; its code is shown once. */
    public Invite.Issued createInvite(int uses, Duration validFor) {
        if (uses < 1 || uses > 1_000_000) {
            throw ChatException.invalid("uses must be 1 to 1000000");
        }
        if (validFor.isNegative() || validFor.isZero() || validFor.compareTo(Duration.ofDays(366)) > 0) {
            throw ChatException.invalid("an invite must be valid for a positive time of at most 366 days");
        }
        String code = AccessToken.generate();
        Instant now = now();
        Invite invite = new Invite(AccessToken.hash(code), uses, now.plus(validFor), now);
        store.createInvite(invite);
        return new Invite.Issued(code, invite);
    }

    private Account create(String name, String password) {
        Account account = new Account(new UserId(ids.next()), name, hasher.hash(password), false, now());
        return store.createAccount(account)
                .orElseThrow(() -> new ChatException(Refusal.USERNAME_TAKEN, "username is taken"));
    }

    /**
     * A login from the client address {@code origin} (null when not from the network). Failed
     * logins are limited per account and per address ({@code RATE_LIMITED} past either).
     */
    public Login login(String username, String password, String deviceName, String origin) {
        String name = normalizeUsername(username);
        if (password == null || password.length() > MAX_PASSWORD || !Text.wellFormed(password)) {
            throw new ChatException(Refusal.INVALID_CREDENTIALS, "wrong username or password");
        }
        String device = deviceName == null || deviceName.isBlank() ? "device" : deviceName.strip();
        if (device.length() > MAX_DEVICE_NAME) {
            throw ChatException.invalid("deviceName is longer than " + MAX_DEVICE_NAME + " characters");
        }
        Text.require(device, "deviceName");
        LoginThrottle.Attempt attempt = logins.begin(name, origin);
        Optional<Account> found;
        boolean ok;
        try {
            found = store.findAccountByUsername(name);
            ok = hasher.verify(password, found.map(Account::passwordHash).orElseGet(this::decoyHash));
        } catch (RuntimeException e) {
            attempt.doesNotCount();
            throw e;
        }
        if (found.isEmpty() || !ok) {
            throw new ChatException(Refusal.INVALID_CREDENTIALS, "wrong username or password");
        }
        attempt.doesNotCount();
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
        Caller c = store.findCallerByTokenHash(AccessToken.hash(token))
                .orElseThrow(() -> new ChatException(Refusal.UNAUTHENTICATED, "missing or invalid token"));
        Account account = store.findAccount(c.userId())
                .orElseThrow(() -> new ChatException(Refusal.UNAUTHENTICATED, "missing or invalid token"));
        if (account.disabled()) {
            throw new ChatException(Refusal.ACCOUNT_DISABLED, "account is disabled");
        }
        if (c.apiToken() && tokenUses.tryTake(Long.toString(c.deviceId().value())).isZero()) {
            store.touchDevice(c.deviceId(), now());
        }
        return c;
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

    /**
     * Changes the caller's password: the current one must be given (INVALID_CREDENTIALS if wrong).
     * With {@code revokeOtherDevices}, every other device of the user is logged out in the same
     * step (their connections close with 4003, their push targets go); the calling device stays.
     * Returns how many devices were revoked.
     */
    public int changePassword(Caller caller, String currentPassword, String newPassword, boolean revokeOtherDevices) {
        requirePassword(caller.userId(), currentPassword);
        checkPassword(newPassword);
        if (!store.setPasswordHash(caller.userId(), hasher.hash(newPassword))) {
            throw ChatException.notFound("user");
        }
        int revoked = 0;
        if (revokeOtherDevices) {
            for (Device d : store.listDevices(caller.userId())) {
                if (!d.id().equals(caller.deviceId()) && store.revokeDevice(caller.userId(), d.id())) {
                    if (pushes != null) {
                        pushes.removeTarget(caller.userId(), d.id());
                    }
                    connections.disconnect(caller.userId(), d.id(), ConnectedDevices.Reason.LOGGED_OUT);
                    revoked++;
                }
            }
        }
        return revoked;
    }

    /** Refuses (INVALID_CREDENTIALS) unless {@code password} is the user's current password. Blocking (hashing). */
    public void requirePassword(UserId user, String password) {
        Account account = store.findAccount(user).orElseThrow(() -> ChatException.notFound("user"));
        if (password == null || password.length() > MAX_PASSWORD || !hasher.verify(password, account.passwordHash())) {
            throw new ChatException(Refusal.INVALID_CREDENTIALS, "the current password is wrong");
        }
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
        // Hashed as UTF-8: two passwords differing only in a lone surrogate would hash alike.
        Text.require(password, "password");
    }

    private Instant now() {
        return clock.instant();
    }
}
