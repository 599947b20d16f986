package dev.parley.server.http;

import dev.parley.core.account.Account;
import dev.parley.core.account.Device;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationView;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.inbox.ConversationSummary;
import dev.parley.core.message.HistoryPage;
import dev.parley.core.message.Message;
import dev.parley.core.profile.Profile;
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

    /** A user as others see them (docs/protocol.md, "Profile object"). */
    static JsonObject person(Profile p) {
        JsonObject o = new JsonObject()
                .put("userId", p.userId().value())
                .put("username", p.username())
                .put("displayName", p.displayName())
                .put("status", p.status())
                .put("avatar", p.avatar())
                .put("deleted", p.deleted());
        // Only on bots, so that a person's profile keeps its shape.
        return p.bot() ? o.put("bot", true) : o;
    }

    /** A user id with what the profile says, or only the id for an unknown user. */
    static JsonObject person(UserId id, Map<UserId, Profile> profiles) {
        Profile p = profiles.get(id);
        return p == null ? new JsonObject().put("userId", id.value()) : person(p);
    }

    static JsonObject device(Device d, boolean current) {
        return new JsonObject()
                .put("deviceId", d.id().value())
                .put("name", d.name())
                .put("createdAt", d.createdAt().toEpochMilli())
                .put("lastSeenAt", d.lastSeenAt().toEpochMilli())
                .put("current", current);
    }

    /**
     * The conversation as {@code viewer} sees it: members with their profiles; the positions of a
     * member in {@code hidden} (one who blocked the viewer) show as 0.
     */
    static JsonObject conversation(ConversationView v, Map<UserId, Profile> profiles, java.util.Set<UserId> hidden) {
        JsonArray members = new JsonArray();
        for (MemberState m : v.members()) {
            boolean secret = hidden.contains(m.userId());
            members.add(person(m.userId(), profiles)
                    .put("role", m.role().wire())
                    .put("delivered", secret ? 0 : m.deliveredSeq())
                    .put("read", secret ? 0 : m.readSeq()));
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

    static JsonObject summary(ConversationSummary c, Map<UserId, Profile> profiles) {
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
                .put("mentioned", c.mentioned())
                .put("lastMessage", c.lastMessage() == null ? null : message(c.lastMessage()));
        if (c.peer() != null) {
            o.put("peer", person(c.peer(), profiles));
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
        if (m.replyTo() != 0) {
            o.put("replyTo", m.replyTo());
        }
        if (m.quote() != null) {
            JsonObject q = new JsonObject().put("seq", m.quote().seq()).put("senderId", m.quote().senderId().value())
                    .put("kind", m.quote().kind().wire());
            if (m.quote().excerpt() != null) {
                q.put("excerpt", m.quote().excerpt());
            }
            if (m.quote().deleted()) {
                q.put("deleted", true);
            }
            o.put("quote", q);
        }
        if (m.targetSeq() != 0) {
            o.put("targetSeq", m.targetSeq());
        }
        if (m.editedAt() != 0) {
            o.put("editedAt", m.editedAt());
        }
        if (m.deletedAt() != 0) {
            o.put("deletedAt", m.deletedAt()).put("deletedBy", m.deletedBy().value());
        }
        if (!m.mentions().isEmpty()) {
            JsonArray mentions = new JsonArray();
            m.mentions().forEach(x -> mentions.add(new JsonObject().put("userId", x.userId().value())
                    .put("offset", x.offset()).put("length", x.length())));
            o.put("mentions", mentions);
        }
        if (!m.reactions().isEmpty()) {
            JsonObject reactions = new JsonObject();
            m.reactions().forEach(r -> reactions.put(r.emoji(),
                    new JsonArray(r.users().stream().map(UserId::value).toList())));
            o.put("reactions", reactions);
        }
        if (!m.attachments().isEmpty()) {
            JsonArray carried = new JsonArray();
            m.attachments().forEach(a -> carried.add(attachment(a)));
            o.put("attachments", carried);
        }
        return o;
    }

    /** An attachment's description, as in a message's {@code attachments} and from {@code GET /v1/attachments/{id}}. */
    static JsonObject attachment(dev.parley.core.attachment.Attachment a) {
        JsonObject o = new JsonObject().put("id", a.id()).put("name", a.name()).put("contentType", a.contentType())
                .put("size", a.size()).put("sha256", a.sha256());
        if (a.image()) {
            o.put("width", a.width()).put("height", a.height());
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
