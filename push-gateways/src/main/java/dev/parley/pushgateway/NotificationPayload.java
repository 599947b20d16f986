package dev.parley.pushgateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.core.push.PushNotification;

/**
 * What a device's client reads from a notification, whichever provider carried it (docs/protocol.md,
 * "Push notifications"): {@code type} ("message", or "request" for the quiet notice of a message
 * request), {@code conversationId}, {@code seq}, {@code unread}, and {@code sender} and
 * {@code preview} when the deployment shows them.
 */
final class NotificationPayload {
    private NotificationPayload() {
    }

    /** The payload as a fresh object: callers may add their own fields around it. */
    static ObjectNode of(PushNotification n) {
        ObjectNode o = Json.object()
                .put("type", n.request() ? "request" : "message")
                .put("conversationId", n.conversation().value())
                .put("seq", n.seq())
                .put("unread", n.unread());
        if (n.sender() != null) {
            o.put("sender", n.sender());
        }
        if (n.preview() != null) {
            o.put("preview", n.preview());
        }
        return o;
    }

    /** The payload as JSON text. */
    static String json(PushNotification n) {
        return Json.write(of(n));
    }
}
