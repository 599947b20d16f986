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
