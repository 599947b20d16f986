package dev.parley.core.account;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Persistent accounts and devices. Methods block until the change is durable; call them from a
 * thread that may block (a virtual thread), never from a network event loop.
 */
public interface AccountStore {

    /**
     * Creates the account, or returns empty when the username is taken (usernames are compared as
     * given; the service lower-cases them first).
     */
    Optional<Account> createAccount(Account account);

    Optional<Account> findAccount(UserId id);

    Optional<Account> findAccountByUsername(String username);

    /** Accounts by id; ids that do not exist are left out. */
    List<Account> findAccounts(List<UserId> ids);

    /** Stores a new device with the hash of its token. */
    void createDevice(Device device, byte[] tokenHash);

    /** The live (not revoked) device holding the token with this hash. */
    Optional<Device> findDeviceByTokenHash(byte[] tokenHash);

    /**
     * The live device holding the token with this hash, as a caller: a login has every scope, an
     * API token its own. Adapters answer it in the one lookup {@link #findDeviceByTokenHash} makes.
     */
    default Optional<Caller> findCallerByTokenHash(byte[] tokenHash) {
        return findDeviceByTokenHash(tokenHash).map(d -> new Caller(d.userId(), d.id()));
    }

    /** Stores an API token: a device with scopes and the hash of its token. */
    default void createApiToken(ApiToken token, byte[] tokenHash) {
        throw new UnsupportedOperationException("API tokens are not stored here");
    }

    /** The user's live API tokens, oldest first. */
    default java.util.List<ApiToken> listApiTokens(UserId userId) {
        return java.util.List.of();
    }

    /** Marks the account as a bot, or not. */
    default void setBot(UserId userId, boolean bot) {
        throw new UnsupportedOperationException("bots are not stored here");
    }

    /** Whether the account is marked as a bot. */
    default boolean isBot(UserId userId) {
        return false;
    }

    /** The user's live devices, oldest first. */
    List<Device> listDevices(UserId userId);

    /** Revokes the device if it is the user's and live; returns whether it did. */
    boolean revokeDevice(UserId userId, DeviceId deviceId);

    /** Records when the device was last connected (best effort, may be batched). */
    void touchDevice(DeviceId deviceId, java.time.Instant at);

    /**
     * Deletes the account: its devices are revoked, its username freed and its password removed;
     * the id stays, so the history it wrote keeps a sender. Returns whether the account existed.
     */
    boolean deleteAccount(UserId userId);

    /** Marks the account disabled or enabled; returns whether the account exists. */
    boolean setDisabled(UserId userId, boolean disabled);

    /** Stores a new invite. */
    void createInvite(Invite invite);

    /**
     * Takes one use of the invite with this code hash if it exists, has a use left and has not
     * expired at {@code now}; returns whether it did. Concurrent redemptions never take more uses
     * than the invite has.
     */
    boolean redeemInvite(byte[] codeHash, Instant now);

    /** Gives back a use taken by {@link #redeemInvite} whose registration then failed. */
    void returnInvite(byte[] codeHash);

    /** Replaces the account's password hash; returns whether the account exists (and is not deleted). */
    boolean setPasswordHash(UserId userId, String passwordHash);
}
