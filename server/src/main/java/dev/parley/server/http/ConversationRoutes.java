package dev.parley.server.http;

import dev.parley.core.ChatException;
import dev.parley.core.account.Account;
import dev.parley.core.account.Caller;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationEntry;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.ConversationView;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.conversation.Role;
import dev.parley.core.inbox.ConversationPage;
import dev.parley.core.inbox.ConversationSummary;
import dev.parley.core.message.HistoryPage;
import dev.parley.core.message.Message;
import dev.parley.core.profile.Profile;
import dev.parley.core.request.MessageRequest;
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
import java.util.Optional;
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
            String folder = ctx.request().getParam("folder");
            if ("requests".equals(folder) && s.people() != null) {
                return requests(caller, size);
            }
            if (folder != null && !folder.equals("inbox") && !folder.equals("requests")) {
                throw new ApiException(ErrorCode.INVALID_FIELD, "query parameter 'folder' must be 'inbox' or 'requests'");
            }
            if (folder != null && folder.equals("requests")) {
                return new JsonObject().put("conversations", new JsonArray()).putNull("nextCursor");
            }
            return list(s.conversationList().page(caller, ctx.request().getParam("cursor"), size));
        }));
        r.post("/v1/conversations/direct").handler(ctx -> respond.authed(ctx, 200, caller -> {
            JsonObject b = Requests.body(ctx);
            UserId peer = peerOf(b);
            Conversation c = s.people() != null ? s.people().requests().openDirect(caller, peer)
                    : s.conversations().openDirect(caller, peer);
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

    /**
     * The conversation object: for a member, or for the recipient of its pending message request
     * (marked {@code "request": true}); a direct conversation names the other person as {@code peer}.
     */
    JsonObject view(Caller caller, ConversationId id) {
        ConversationView v;
        Optional<MessageRequest> pending = Optional.empty();
        try {
            v = s.conversations().view(caller, id);
        } catch (ChatException e) {
            pending = e.refusal() == ChatException.Refusal.NOT_FOUND && s.people() != null
                    ? s.people().requests().pendingFor(caller.userId(), id) : Optional.empty();
            if (pending.isEmpty()) {
                throw e;
            }
            Conversation c = s.people().conversations().find(id).orElseThrow(() -> ChatException.notFound("conversation"));
            v = new ConversationView(c, s.people().conversations().members(id));
        }
        List<UserId> people = new ArrayList<>(v.members().stream().map(MemberState::userId).toList());
        UserId peer = null;
        if (v.conversation().kind() == ConversationKind.DIRECT) {
            for (UserId u : people) {
                if (!u.equals(caller.userId())) {
                    peer = u;
                }
            }
            if (peer == null && s.people() != null) {
                peer = s.people().requests().find(id).map(MessageRequest::recipient).orElse(null);
            }
            if (peer != null && !people.contains(peer)) {
                people.add(peer);
            }
        }
        Map<UserId, Profile> profiles = profiles(people);
        JsonObject o = Views.conversation(v, profiles, hiddenFrom(caller));
        if (peer != null) {
            o.put("peer", Views.person(peer, profiles));
        }
        if (pending.isPresent()) {
            o.put("request", true);
        }
        return o;
    }

    private JsonObject list(ConversationPage page) {
        Set<UserId> peers = new HashSet<>();
        for (ConversationSummary c : page.conversations()) {
            if (c.peer() != null) {
                peers.add(c.peer());
            }
        }
        Map<UserId, Profile> profiles = profiles(new ArrayList<>(peers));
        JsonArray arr = new JsonArray();
        for (ConversationSummary c : page.conversations()) {
            arr.add(Views.summary(c, profiles));
        }
        return new JsonObject().put("conversations", arr)
                .put("nextCursor", page.next() == null ? null : page.next().encode());
    }

    /** The caller's message requests folder: each request as a list line marked {@code "request": true}. */
    private JsonObject requests(Caller caller, int limit) {
        if (limit < 1 || limit > s.history().maxPageSize()) {
            throw ChatException.invalid("limit must be 1 to " + s.history().maxPageSize());
        }
        List<ConversationSummary> lines = new ArrayList<>();
        for (MessageRequest r : s.people().requests().pending(caller, limit)) {
            s.people().conversations().find(r.conversationId()).ifPresent(c -> lines.add(s.conversationList().summarize(
                    caller.userId(), new ConversationEntry(c, new MemberState(caller.userId(), Role.MEMBER, 0, 0, 0, 0)),
                    r.requester())));
        }
        Map<UserId, Profile> profiles = profiles(lines.stream().map(ConversationSummary::peer).toList());
        JsonArray arr = new JsonArray();
        for (ConversationSummary c : lines) {
            arr.add(Views.summary(c, profiles).put("request", true));
        }
        return new JsonObject().put("conversations", arr).putNull("nextCursor");
    }

    /** Members who blocked the caller: their receipt positions are not shown to the caller. */
    private Set<UserId> hiddenFrom(Caller caller) {
        return s.people() == null ? Set.of() : s.people().reach().reachNow(caller.userId()).blockers();
    }

    private Map<UserId, Profile> profiles(List<UserId> ids) {
        if (s.people() != null) {
            return s.people().profiles().byId(ids);
        }
        Map<UserId, Profile> out = new HashMap<>();
        for (Account a : s.accounts().accounts(ids)) {
            out.put(a.id(), new Profile(a.id(), a.username(), a.username(), null, null, a.deleted(), a.bot()));
        }
        return out;
    }
}
