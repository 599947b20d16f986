package dev.parley.server.http;

import dev.parley.core.account.Caller;
import dev.parley.core.account.UserId;
import dev.parley.core.block.Block;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.Message;
import dev.parley.core.profile.AvatarImage;
import dev.parley.core.profile.Profile;
import dev.parley.core.report.Report;
import dev.parley.core.report.ReportReason;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.FrameCodec;
import dev.parley.server.Blocking;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Profiles, avatars, the caller's account (password, deletion), blocks, message requests and
 * reports over REST (docs/protocol.md, "People").
 */
final class PeopleRoutes {
    /** The avatar upload: the one {@code /v1} path whose body is not JSON. */
    static final String UPLOAD = "/v1/me/avatar";
    /** Most users one {@code GET /v1/users?ids=} may ask for. */
    static final int MAX_IDS = 200;

    private final ApiServices s;
    private final PeopleServices p;
    private final Responder respond;
    private final ConversationRoutes conversations;

    PeopleRoutes(ApiServices services, Responder respond, ConversationRoutes conversations) {
        this.s = services;
        this.p = services.people();
        this.respond = respond;
        this.conversations = conversations;
    }

    /**
     * The avatar upload, mounted before the API's JSON body handler: its body is raw image bytes
     * with a limit of its own ({@code people.maxAvatarBytes}).
     */
    void mountUploads(Router r) {
        r.put(UPLOAD).handler(ctx -> {
            // No bytes are read for a request without a token at all.
            if (ctx.request().getHeader("Authorization") == null) {
                respond.error(ctx, ErrorCode.UNAUTHENTICATED, "missing bearer token");
            } else {
                ctx.next();
            }
        });
        r.put(UPLOAD).handler(BodyHandler.create(false).setBodyLimit(p.avatars().maxBytes()))
                .handler(ctx -> respond.authed(ctx, 200, caller -> {
                    Buffer body = ctx.body() == null ? null : ctx.body().buffer();
                    if (body == null || body.length() == 0) {
                        throw new ApiException(ErrorCode.MISSING_FIELD, "send the image as the request body");
                    }
                    byte[] image = p.avatars().prepare(body.getBytes());
                    return Views.person(p.profiles().setAvatar(caller, "image/jpeg", image));
                }));
        r.get("/v1/users/:userId/avatar/:version").handler(this::avatar);
    }

    void mount(Router r) {
        r.get("/v1/me").handler(ctx -> respond.authed(ctx, 200, caller ->
                Views.person(p.profiles().profile(caller.userId())).put("deviceId", caller.deviceId().value())));
        r.patch("/v1/me/profile").handler(ctx -> respond.authed(ctx, 200, caller -> {
            JsonObject b = Requests.body(ctx);
            return Views.person(p.profiles().update(caller, Requests.optString(b, "displayName"),
                    Requests.optString(b, "status")));
        }));
        r.delete("/v1/me/avatar").handler(ctx -> respond.authed(ctx, 200, caller ->
                Views.person(p.profiles().removeAvatar(caller))));
        r.put("/v1/me/password").handler(ctx -> respond.authed(ctx, 200, caller -> {
            JsonObject b = Requests.body(ctx);
            boolean revoke = b.getValue("revokeOtherDevices") == null ? false : bool(b, "revokeOtherDevices");
            int revoked = s.accounts().changePassword(caller, Requests.string(b, "currentPassword"),
                    Requests.string(b, "newPassword"), revoke);
            return new JsonObject().put("revokedDevices", revoked);
        }));
        r.delete("/v1/me").handler(ctx -> respond.authed(ctx, 204, caller -> {
            JsonObject b = Requests.body(ctx);
            s.accounts().requirePassword(caller.userId(), Requests.string(b, "password"));
            p.deletion().delete(caller.userId(), caller.deviceId());
            return null;
        }));
        r.get("/v1/users").handler(ctx -> respond.authed(ctx, 200, caller -> {
            List<UserId> ids = idsParam(ctx);
            JsonArray arr = new JsonArray();
            for (Profile profile : p.profiles().profiles(ids)) {
                arr.add(Views.person(profile));
            }
            return new JsonObject().put("users", arr);
        }));
        r.get("/v1/users/:username").handler(ctx -> respond.authed(ctx, 200, caller ->
                Views.person(p.profiles().profile(s.accounts().accountByUsername(ctx.pathParam("username")).id()))));

        r.get("/v1/blocks").handler(ctx -> respond.authed(ctx, 200, caller -> {
            List<Block> blocks = p.blocks().blocks(caller);
            Map<UserId, Profile> profiles = p.profiles().byId(blocks.stream().map(Block::blocked).toList());
            JsonArray arr = new JsonArray();
            for (Block b : blocks) {
                arr.add(Views.person(b.blocked(), profiles).put("blockedAt", b.createdAt()));
            }
            return new JsonObject().put("blocks", arr);
        }));
        r.put("/v1/blocks/:userId").handler(ctx -> respond.authed(ctx, 204, caller -> {
            p.blocks().block(caller, new UserId(Requests.pathId(ctx, "userId")));
            return null;
        }));
        r.delete("/v1/blocks/:userId").handler(ctx -> respond.authed(ctx, 204, caller -> {
            p.blocks().unblock(caller, new UserId(Requests.pathId(ctx, "userId")));
            return null;
        }));

        r.post("/v1/conversations/:conversationId/accept").handler(ctx -> respond.authed(ctx, 200, caller -> {
            ConversationId id = new ConversationId(Requests.pathId(ctx, "conversationId"));
            p.requests().accept(caller, id);
            return conversations.view(caller, id);
        }));
        r.post("/v1/conversations/:conversationId/decline").handler(ctx -> respond.authed(ctx, 204, caller -> {
            p.requests().decline(caller, new ConversationId(Requests.pathId(ctx, "conversationId")));
            return null;
        }));

        r.post("/v1/reports").handler(ctx -> respond.authed(ctx, 201, caller -> report(caller, Requests.body(ctx))));
    }

    private JsonObject report(Caller caller, JsonObject b) {
        UserId subject = b.getValue("userId") == null ? null : new UserId(Requests.id(b, "userId"));
        ConversationId conversation = b.getValue("conversationId") == null ? null
                : new ConversationId(Requests.id(b, "conversationId"));
        List<Long> seqs = null;
        Object raw = b.getValue("seqs");
        if (raw != null) {
            if (!(raw instanceof JsonArray arr)) {
                throw new ApiException(ErrorCode.INVALID_FIELD, "field 'seqs' must be an array of seqs");
            }
            if (arr.size() > dev.parley.core.report.ReportService.MAX_ENTRIES) {
                throw new ApiException(ErrorCode.TOO_LARGE, "at most " + dev.parley.core.report.ReportService.MAX_ENTRIES
                        + " messages per report");
            }
            seqs = new ArrayList<>();
            for (int i = 0; i < arr.size(); i++) {
                seqs.add(Requests.idValue(arr.getValue(i), "seqs"));
            }
        }
        Report r = p.reports().report(caller, subject, conversation, seqs,
                ReportReason.fromWire(Requests.string(b, "reason")), Requests.optString(b, "note"));
        return new JsonObject().put("reportId", r.id()).put("userId", r.subject().value())
                .put("entries", r.entries().size());
    }

    private void avatar(RoutingContext ctx) {
        UserId user;
        try {
            user = new UserId(Requests.pathId(ctx, "userId"));
        } catch (ApiException e) {
            respond.error(ctx, e.code(), e.getMessage());
            return;
        }
        String version = ctx.pathParam("version");
        Blocking.run(ctx.vertx().getOrCreateContext(), () -> p.profiles().avatar(user, version)).onComplete(ar -> {
            if (ar.failed()) {
                respond.fail(ctx, ar.cause());
                return;
            }
            AvatarImage image = ar.result();
            // The version is in the path and changes with every upload: the bytes at a URL never change.
            ctx.response().putHeader("Content-Type", image.contentType())
                    .putHeader("Cache-Control", "public, max-age=31536000, immutable")
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("Content-Security-Policy", "default-src 'none'")
                    .putHeader("Cross-Origin-Resource-Policy", "same-origin")
                    .end(Buffer.buffer(image.bytes()));
        });
    }

    private static List<UserId> idsParam(RoutingContext ctx) {
        String raw = ctx.request().getParam("ids");
        if (raw == null || raw.isBlank()) {
            throw new ApiException(ErrorCode.MISSING_FIELD, "query parameter 'ids' is required (comma-separated user ids)");
        }
        String[] parts = raw.split(",");
        if (parts.length > MAX_IDS) {
            throw new ApiException(ErrorCode.TOO_LARGE, "at most " + MAX_IDS + " ids per request");
        }
        List<UserId> ids = new ArrayList<>(parts.length);
        for (String part : parts) {
            try {
                long v = Long.parseLong(part.trim());
                if (v >= 1 && v <= FrameCodec.MAX_ID) {
                    ids.add(new UserId(v));
                    continue;
                }
            } catch (NumberFormatException ignored) {
                // refused below
            }
            throw new ApiException(ErrorCode.INVALID_FIELD, "query parameter 'ids' must hold user ids");
        }
        return ids;
    }

    private static boolean bool(JsonObject b, String name) {
        if (!(b.getValue(name) instanceof Boolean v)) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "field '" + name + "' must be true or false");
        }
        return v;
    }

    static JsonObject reportView(Report r, Map<UserId, Profile> profiles) {
        JsonArray entries = new JsonArray();
        for (Message m : r.entries()) {
            entries.add(Views.message(m));
        }
        return new JsonObject()
                .put("reportId", r.id())
                .put("reporter", Views.person(r.reporter(), profiles))
                .put("user", Views.person(r.subject(), profiles))
                .put("conversationId", r.conversationId() == null ? null : r.conversationId().value())
                .put("reason", r.reason().wire())
                .put("note", r.note())
                .put("createdAt", r.createdAt())
                .put("resolvedAt", r.resolvedAt() == 0 ? null : r.resolvedAt())
                .put("entries", entries);
    }
}
