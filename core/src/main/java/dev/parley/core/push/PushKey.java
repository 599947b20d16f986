package dev.parley.core.push;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;

/**
 * The coalescing key of the outbox: one pending push per (device, conversation). The user is
 * part of it because the device's rows live on the user's shard.
 */
public record PushKey(UserId user, DeviceId device, ConversationId conversation) {
}
