package dev.parley.server.ws;

/**
 * A frame on its way to connections, encoded once and shared by every recipient.
 */
sealed interface Outbound {

    /**
     * A history entry: delivered in seq order per conversation, gaps filled from the store.
     * {@code committedNanos} is when this node published it (0 for entries read from the store).
     */
    record Entry(long conversationId, long seq, long senderDeviceId, String clientId, byte[] frame,
                 long committedNanos) implements Outbound {
    }

    /**
     * A frame outside any sequence (receipt, typing, presence). {@code conversationId} is 0 when
     * the frame is not about one conversation.
     */
    record Signal(long conversationId, byte[] frame) implements Outbound {
    }
}
