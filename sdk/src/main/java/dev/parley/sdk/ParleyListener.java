package dev.parley.sdk;

/**
 * Receives what a {@link ParleyClient}'s connection brings. Every method has a no-op default, so
 * implement only what you show.
 *
 * <p>Threading: all callbacks of one client run on that client's single SDK thread, one at a time,
 * in the order the events happened. Keep them short. REST calls on the client are fine inside a
 * callback; waiting on a future of the same client's real-time calls (send, markRead, ...) is not,
 * because that future completes on this very thread.
 */
public interface ParleyListener {

    /**
     * One history entry, including this device's own sends (the node confirms those with
     * {@code sent} rather than echoing them; the SDK builds the entry from the confirmation).
     * Per conversation, entries arrive exactly once and in seq order with no gaps, across
     * reconnects and restarts of the node. After {@link #onResync} the next entry of that
     * conversation follows the resync's seq.
     */
    default void onMessage(ChatMessage message) {
    }

    /** A member's delivered or read position moved forward (yours too, from your other devices). */
    default void onReceipt(Receipt receipt) {
    }

    /**
     * Another member started or stopped typing. A {@code true} that is not renewed is followed by a
     * {@code false} from the node after a few seconds.
     */
    default void onTyping(long conversationId, long userId, boolean typing) {
    }

    /** A watched user's presence: once for each user right after {@link ParleyClient#watch}, then on changes. */
    default void onPresence(Presence presence) {
    }

    /**
     * The device was too far behind in this conversation to be caught up entry by entry. Drop the
     * local copy of the conversation and reload recent history with
     * {@link ParleyClient#history}; live entries after {@code latestSeq} follow.
     */
    default void onResync(long conversationId, long latestSeq) {
    }

    /**
     * A user who shares a conversation with this one (or this user) changed their profile, or
     * deleted their account ({@link User#deleted()}). Not replayed after a reconnect: refetch the
     * profiles you show with {@link ParleyClient#users}.
     */
    default void onProfile(User user) {
    }

    /** A message request from {@code userId} arrived (once per request): see {@link ParleyClient#requests()}. */
    default void onRequest(long conversationId, long userId) {
    }

    /** The connection changed state. */
    default void onConnectionState(ConnectionState state) {
    }
}
