package dev.parley.core.push;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;

/**
 * One notification to one device: "there is something new in this conversation, up to this seq,
 * with this many unread". {@code sender} and {@code preview} are null when the deployment sends
 * {@link PushContent#MINIMAL} content. The push module turns it into each provider's JSON.
 */
public record PushNotification(UserId user, DeviceId device, PushTarget target, ConversationId conversation,
                               long seq, int unread, String sender, String preview, boolean request) {

    /** A notification of new messages. */
    public PushNotification(UserId user, DeviceId device, PushTarget target, ConversationId conversation, long seq,
                            int unread, String sender, String preview) {
        this(user, device, target, conversation, seq, unread, sender, preview, false);
    }

    /**
     * The one quiet notice of a message request: {@code "type": "request"}, no sender, no text (the
     * recipient has not accepted the stranger; nothing of theirs is shown on a lock screen).
     */
    public static PushNotification requestNotice(UserId user, DeviceId device, PushTarget target,
                                                 ConversationId conversation, long seq) {
        return new PushNotification(user, device, target, conversation, seq, 1, null, null, true);
    }

    /** A stable short key for provider-side collapsing (Web Push {@code Topic}, APNs collapse id, FCM collapse key). */
    public String collapseKey() {
        return "c" + conversation.value();
    }
}
