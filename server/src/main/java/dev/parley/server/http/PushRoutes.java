package dev.parley.server.http;

import dev.parley.core.conversation.ConversationId;
import dev.parley.core.push.PushTarget;
import dev.parley.protocol.ErrorCode;
import dev.parley.server.push.NodePush;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * Push over REST: a device's push target, muting conversations, and the VAPID public key for
 * browsers (docs/protocol.md, "Push notifications").
 */
final class PushRoutes {
    private final NodePush push;
    private final Responder respond;

    PushRoutes(NodePush push, Responder respond) {
        this.push = push;
        this.respond = respond;
    }

    void mount(Router r) {
        r.get("/v1/push/vapid-public-key").handler(ctx -> Responder.ok(ctx, 200,
                new JsonObject().put("publicKey", push.vapidPublicKey())));
        r.put("/v1/devices/current/push").handler(ctx -> respond.authed(ctx, 204, caller -> {
            push.service().register(caller, target(Requests.body(ctx)));
            return null;
        }));
        r.delete("/v1/devices/current/push").handler(ctx -> respond.authed(ctx, 204, caller -> {
            push.service().unregister(caller);
            return null;
        }));
        r.put("/v1/conversations/:conversationId/mute").handler(ctx -> respond.authed(ctx, 204, caller -> {
            push.service().setMuted(caller, new ConversationId(Requests.pathId(ctx, "conversationId")), true);
            return null;
        }));
        r.delete("/v1/conversations/:conversationId/mute").handler(ctx -> respond.authed(ctx, 204, caller -> {
            push.service().setMuted(caller, new ConversationId(Requests.pathId(ctx, "conversationId")), false);
            return null;
        }));
    }

    /** A target from the request body; Web Push accepts the browser's {@code PushSubscription.toJSON()} shape. */
    private static PushTarget target(JsonObject b) {
        String type = Requests.string(b, "type");
        return switch (type) {
            case "webpush" -> {
                JsonObject keys = b.getValue("keys") instanceof JsonObject k ? k : b;
                yield PushTarget.WebPush.of(Requests.string(b, "endpoint"), Requests.string(keys, "p256dh"),
                        Requests.string(keys, "auth"));
            }
            case "fcm" -> new PushTarget.Fcm(Requests.string(b, "token"));
            case "apns" -> new PushTarget.Apns(Requests.string(b, "deviceToken"));
            case "webhook" -> new PushTarget.Webhook(Requests.string(b, "url"));
            default -> throw new ApiException(ErrorCode.INVALID_FIELD,
                    "field 'type' must be 'webpush', 'fcm', 'apns' or 'webhook'");
        };
    }
}
