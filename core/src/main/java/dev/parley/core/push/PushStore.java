package dev.parley.core.push;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Push state: each device's target, each user's muted conversations, and the durable outbox of
 * pending pushes. All methods block; call them from virtual threads, never from the store's writer
 * thread or an event loop.
 *
 * <p><b>Outbox.</b> One row per {@link PushKey} (device, conversation) holds the newest seq to
 * tell the device about. {@link #enqueue} upserts it, so any number of messages for one device
 * and conversation make one row: that is the coalescing. Beside it the store remembers, per key,
 * the last seq pushed and when ({@code push_sent}); an enqueue at or below the last pushed seq is
 * ignored, and a new row is not due before the last push plus the coalescing window.
 *
 * <p><b>Never twice.</b> A worker {@linkplain #claim claims} a due row before sending: the claim
 * records the seq being sent and a lease. {@link #settle} after the answer records the seq as
 * pushed. A claim found still leased by a node that is gone (a crash mid-send) is resolved as
 * pushed ({@link #resolveAbandoned} at start for this node's own leases, and any claim after the
 * lease expired): the service may have accepted it, so it is never sent again. This gives
 * at-most-once per (device, seq): a crash can lose a push, never repeat one.
 */
public interface PushStore {

    // ---- targets: on the user's shard ---------------------------------------------------

    /** Replaces the device's target (a device has at most one). */
    void setTarget(UserId user, DeviceId device, PushTarget target, long now);

    /** Removes the device's target and its pending pushes; true if it had a target. */
    boolean removeTarget(UserId user, DeviceId device);

    /** Removes every target and pending push of the user's devices (account deleted). */
    void removeTargets(UserId user);

    Optional<PushTarget> target(UserId user, DeviceId device);

    /** The targets of these users' devices, by user then device; users without any are absent. */
    Map<UserId, Map<DeviceId, PushTarget>> targets(Collection<UserId> users);

    /**
     * Whether the user is known, without reading anything, to have no target on any device: true
     * only when that is certain from memory; false when unsure (this default) or when they have one.
     * Never blocks.
     */
    default boolean knownWithoutTargets(UserId user) {
        return false;
    }

    // ---- mutes: on the conversation's shard ---------------------------------------------

    /** Mutes or unmutes the conversation for the user; true if that changed anything. */
    boolean setMuted(ConversationId conversation, UserId user, boolean muted);

    /** The users who muted the conversation. */
    Set<UserId> mutedIn(ConversationId conversation);

    // ---- outbox: on the user's shard ----------------------------------------------------

    /**
     * Records that each key should be told about its conversation up to the given seq: inserts the
     * row (due now, or at the last push plus {@code windowMs} if that is later), or raises the seq
     * of the existing row (keeping its due time). Ignores keys already pushed at or beyond the seq.
     */
    void enqueue(Map<PushKey, Long> seqs, long now, long windowMs);

    /** Up to {@code limit} rows due at {@code now} and not leased, earliest first, over every shard. */
    List<PendingPush> due(long now, int limit);

    /** The earliest due time of a row not leased, over every shard. */
    OptionalLong nextDue();

    /** How many rows the outbox holds, over every shard. */
    long pending();

    /**
     * Claims a due row for sending until {@code leaseUntil}, recording its seq as the one in flight
     * and counting the attempt. Empty if it is not due, is leased, or turned out to be pushed already.
     */
    Optional<PendingPush> claim(PushKey key, long now, long leaseUntil, int node);

    /** How a claimed attempt ended, for {@link #settle}. */
    enum Settlement {
        /** The service accepted it: the claimed seq is pushed. */
        PUSHED,
        /** Try again at {@code nextDueAt}. */
        RETRY,
        /** Not sent and not to be sent (failed for good, read meanwhile, device connected). */
        DROPPED
    }

    /**
     * Ends a claim. A row whose seq rose while it was in flight stays, unleased, due at
     * {@code nextDueAt}; otherwise {@code PUSHED} and {@code DROPPED} delete it.
     */
    void settle(PushKey key, long claimedSeq, Settlement how, long now, long nextDueAt);

    /**
     * At start: claims this node left in flight when it stopped are counted as pushed (the service
     * may have taken them), and their rows become claimable. Returns how many there were.
     */
    int resolveAbandoned(int node, long now);
}
