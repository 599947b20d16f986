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

    /**
     * Someone put ({@code added}) an emoji on the message at {@code targetSeq}, or took it off:
     * add or remove ({@code emoji}, {@code userId}) in that message's reactions (doing nothing when
     * it is already so: a message read from the node after the reaction already counts it). Called
     * right after {@link #onMessage} with the reaction's entry, this device's own reactions included.
     */
    default void onReaction(long conversationId, long targetSeq, long userId, String emoji, boolean added) {
    }

    /**
     * The sender changed the text of their message at {@code targetSeq} to {@code body} at
     * {@code editedAt}: show the new text, marked edited. {@code body} is null when the message was
     * deleted since (its deletion follows). Called right after {@link #onMessage} with the edit's entry.
     */
    default void onEdited(long conversationId, long targetSeq, String body, long editedAt) {
    }

    /**
     * The message at {@code targetSeq} was deleted for everyone by {@code deletedBy}: drop its text,
     * its edits and its reactions, and show "message deleted". Called right after
     * {@link #onMessage} with the deletion's entry.
     */
    default void onDeleted(long conversationId, long targetSeq, long deletedBy, long deletedAt) {
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
