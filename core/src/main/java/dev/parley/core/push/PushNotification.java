package dev.parley.core.push;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;

/**
 * One notification to one device: "there is something new in this conversation, up to this seq,
 * with this many unread". {@code sender} and {@code preview} are null when the deployment sends
 * {@link PushContent#MINIMAL} content.
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

    /** The payload every provider carries, as JSON: what the device's client reads. */
    public String json() {
        StringBuilder b = new StringBuilder(128).append(request ? "{\"type\":\"request\",\"conversationId\":"
                        : "{\"type\":\"message\",\"conversationId\":")
                .append(conversation.value()).append(",\"seq\":").append(seq).append(",\"unread\":").append(unread);
        if (sender != null) {
            b.append(",\"sender\":");
            quote(b, sender);
        }
        if (preview != null) {
            b.append(",\"preview\":");
            quote(b, preview);
        }
        return b.append('}').toString();
    }

    /** Appends {@code s} as a JSON string. */
    public static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
