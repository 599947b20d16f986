package dev.parley.sdk;

/**
 * The node's confirmation of a send: the message is stored durably at {@code seq}. Retries under
 * the same client id get the same confirmation.
 */
public record SentMessage(long conversationId, String clientId, long seq, long ts) {
}
