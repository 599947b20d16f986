package dev.parley.server.http;

import dev.parley.core.account.Account;
import dev.parley.core.account.Device;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationView;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.inbox.ConversationSummary;
import dev.parley.core.message.HistoryPage;
import dev.parley.core.message.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/** The JSON shapes of REST answers; field names match the WebSocket frames. */
final class Views {
    private Views() {
    }

    static JsonObject account(Account a) {
        return new JsonObject().put("userId", a.id().value()).put("username", a.username());
    }

    static JsonObject device(Device d, boolean current) {
        return new JsonObject()
                .put("deviceId", d.id().value())
                .put("name", d.name())
                .put("createdAt", d.createdAt().toEpochMilli())
                .put("lastSeenAt", d.lastSeenAt().toEpochMilli())
                .put("current", current);
    }

    static JsonObject conversation(ConversationView v, Map<UserId, String> usernames) {
        JsonArray members = new JsonArray();
        for (MemberState m : v.members()) {
            members.add(new JsonObject()
                    .put("userId", m.userId().value())
                    .put("username", usernames.get(m.userId()))
                    .put("role", m.role().wire())
                    .put("delivered", m.deliveredSeq())
                    .put("read", m.readSeq()));
        }
        return new JsonObject()
                .put("conversationId", v.conversation().id().value())
                .put("kind", v.conversation().kind().wire())
                .put("title", v.conversation().title())
                .put("createdAt", v.conversation().createdAt())
                .put("lastSeq", v.conversation().lastSeq())
                .put("lastActivityAt", v.conversation().lastActivityAt())
                .put("members", members);
    }

    static JsonObject summary(ConversationSummary c, Map<UserId, String> usernames) {
        var conv = c.entry().conversation();
        JsonObject o = new JsonObject()
                .put("conversationId", conv.id().value())
                .put("kind", conv.kind().wire())
                .put("title", conv.title())
                .put("lastSeq", conv.lastSeq())
                .put("lastActivityAt", conv.lastActivityAt())
                .put("role", c.entry().self().role().wire())
                .put("delivered", c.entry().self().deliveredSeq())
                .put("read", c.entry().self().readSeq())
                .put("unread", c.unread())
                .put("lastMessage", c.lastMessage() == null ? null : message(c.lastMessage()));
        if (c.peer() != null) {
            o.put("peer", new JsonObject().put("userId", c.peer().value()).put("username", usernames.get(c.peer())));
        }
        return o;
    }

    static JsonObject message(Message m) {
        JsonObject o = new JsonObject()
                .put("conversationId", m.conversationId().value())
                .put("seq", m.seq())
                .put("ts", m.createdAt())
                .put("senderId", m.senderId().value());
        if (m.senderDeviceId() != null) {
            o.put("senderDeviceId", m.senderDeviceId().value());
        }
        if (m.clientId() != null) {
            o.put("clientId", m.clientId());
        }
        o.put("kind", m.kind().wire());
        if (m.body() != null) {
            o.put("body", m.body());
        }
        if (m.title() != null) {
            o.put("title", m.title());
        }
        if (m.userIds() != null) {
            o.put("userIds", new JsonArray(m.userIds().stream().map(UserId::value).toList()));
        }
        if (m.role() != null) {
            o.put("role", m.role().wire());
        }
        return o;
    }

    static JsonObject history(long conversationId, HistoryPage page) {
        JsonArray arr = new JsonArray();
        page.messages().forEach(m -> arr.add(message(m)));
        return new JsonObject().put("conversationId", conversationId).put("messages", arr).put("hasMore", page.hasMore());
    }

    static JsonObject error(String code, String message) {
        return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message));
    }
}
