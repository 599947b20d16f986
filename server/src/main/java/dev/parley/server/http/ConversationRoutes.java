package dev.parley.server.http;

import dev.parley.core.account.Account;
import dev.parley.core.account.Caller;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationView;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.conversation.Role;
import dev.parley.core.inbox.ConversationPage;
import dev.parley.core.inbox.ConversationSummary;
import dev.parley.core.message.HistoryPage;
import dev.parley.core.message.Message;
import dev.parley.protocol.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Conversations over REST: the list, direct conversations, groups, and history pages. */
final class ConversationRoutes {
    private final ApiServices s;
    private final Responder respond;

    ConversationRoutes(ApiServices services, Responder respond) {
        this.s = services;
        this.respond = respond;
    }

    void mount(Router r) {
        r.get("/v1/conversations").handler(ctx -> respond.authed(ctx, 200, caller -> {
            Long limit = Requests.queryLong(ctx, "limit");
            int size = limit == null ? 50 : (int) Math.min(limit, Integer.MAX_VALUE);
            return list(s.conversationList().page(caller, ctx.request().getParam("cursor"), size));
        }));
        r.post("/v1/conversations/direct").handler(ctx -> respond.authed(ctx, 200, caller -> {
            JsonObject b = Requests.body(ctx);
            UserId peer = peerOf(b);
            Conversation c = s.conversations().openDirect(caller, peer);
            return view(caller, c.id());
        }));
        r.post("/v1/conversations/groups").handler(ctx -> respond.authed(ctx, 201, caller -> {
            JsonObject b = Requests.body(ctx);
            Message created = s.groups().create(caller, Requests.string(b, "title"), usersOf(b, false));
            return view(caller, created.conversationId());
        }));
        r.get("/v1/conversations/:conversationId").handler(ctx -> respond.authed(ctx, 200, caller ->
                view(caller, conversation(ctx))));
        r.patch("/v1/conversations/:conversationId").handler(ctx -> respond.authed(ctx, 200, caller -> {
            JsonObject b = Requests.body(ctx);
            return Views.message(s.groups().rename(caller, conversation(ctx), Requests.string(b, "title")));
        }));
        r.post("/v1/conversations/:conversationId/members").handler(ctx -> respond.authed(ctx, 200, caller ->
                Views.message(s.groups().addMembers(caller, conversation(ctx), usersOf(Requests.body(ctx), true)))));
        r.delete("/v1/conversations/:conversationId/members/:userId").handler(ctx -> respond.authed(ctx, 200, caller ->
                Views.message(s.groups().removeMember(caller, conversation(ctx),
                        new UserId(Requests.pathId(ctx, "userId"))))));
        r.put("/v1/conversations/:conversationId/members/:userId/role").handler(ctx -> respond.authed(ctx, 200, caller -> {
            JsonObject b = Requests.body(ctx);
            String role = Requests.string(b, "role");
            Role parsed = Role.fromWire(role);
            if (parsed == null || parsed == Role.OWNER) {
                throw new ApiException(ErrorCode.INVALID_FIELD, "field 'role' must be 'admin' or 'member'");
            }
            return Views.message(s.groups().setRole(caller, conversation(ctx), new UserId(Requests.pathId(ctx, "userId")),
                    parsed));
        }));
        r.get("/v1/conversations/:conversationId/messages").handler(ctx -> respond.authed(ctx, 200, caller -> {
            ConversationId id = conversation(ctx);
            Long limit = Requests.queryLong(ctx, "limit");
            int pageSize = limit == null ? Math.min(50, s.history().maxPageSize()) : (int) Math.min(limit, Integer.MAX_VALUE);
            HistoryPage page = s.history().page(caller, id, Requests.queryLong(ctx, "before"),
                    Requests.queryLong(ctx, "after"), pageSize);
            return Views.history(id.value(), page);
        }));
    }

    private static ConversationId conversation(RoutingContext ctx) {
        return new ConversationId(Requests.pathId(ctx, "conversationId"));
    }

    private UserId peerOf(JsonObject b) {
        if (b.getValue("userId") != null) {
            return new UserId(Requests.id(b, "userId"));
        }
        if (b.getValue("username") != null) {
            return s.accounts().accountByUsername(Requests.string(b, "username")).id();
        }
        throw new ApiException(ErrorCode.MISSING_FIELD, "give 'userId' or 'username' of the peer");
    }

    /** Users named by {@code userIds} and/or {@code usernames}; at least one when {@code required}. */
    private List<UserId> usersOf(JsonObject b, boolean required) {
        Set<UserId> users = new LinkedHashSet<>();
        JsonArray ids = array(b, "userIds");
        JsonArray names = array(b, "usernames");
        int max = s.groups().maxGroupSize();
        if ((ids == null ? 0 : ids.size()) + (names == null ? 0 : names.size()) > max) {
            throw new ApiException(ErrorCode.TOO_LARGE, "at most " + max + " users per request");
        }
        if (ids != null) {
            for (int i = 0; i < ids.size(); i++) {
                users.add(new UserId(Requests.idValue(ids.getValue(i), "userIds")));
            }
        }
        if (names != null) {
            for (int i = 0; i < names.size(); i++) {
                if (!(names.getValue(i) instanceof String name)) {
                    throw new ApiException(ErrorCode.INVALID_FIELD, "field 'usernames' must hold strings");
                }
                users.add(s.accounts().accountByUsername(name).id());
            }
        }
        if (required && users.isEmpty()) {
            throw new ApiException(ErrorCode.MISSING_FIELD, "give 'userIds' or 'usernames'");
        }
        return new ArrayList<>(users);
    }

    private static JsonArray array(JsonObject b, String name) {
        Object v = b.getValue(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonArray a)) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "field '" + name + "' must be an array");
        }
        return a;
    }

    private JsonObject view(Caller caller, ConversationId id) {
        ConversationView v = s.conversations().view(caller, id);
        return Views.conversation(v, usernames(v.members().stream().map(MemberState::userId).toList()));
    }

    private JsonObject list(ConversationPage page) {
        Set<UserId> peers = new HashSet<>();
        for (ConversationSummary c : page.conversations()) {
            if (c.peer() != null) {
                peers.add(c.peer());
            }
        }
        Map<UserId, String> names = usernames(new ArrayList<>(peers));
        JsonArray arr = new JsonArray();
        for (ConversationSummary c : page.conversations()) {
            arr.add(Views.summary(c, names));
        }
        return new JsonObject().put("conversations", arr)
                .put("nextCursor", page.next() == null ? null : page.next().encode());
    }

    private Map<UserId, String> usernames(List<UserId> ids) {
        Map<UserId, String> names = new HashMap<>();
        for (Account a : s.accounts().accounts(ids)) {
            names.put(a.id(), a.username());
        }
        return names;
    }
}
