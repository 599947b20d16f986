package dev.parley.server.http;

import dev.parley.core.account.AccountService;
import dev.parley.core.account.ApiToken;
import dev.parley.core.account.ApiTokens;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.Scope;
import dev.parley.protocol.ErrorCode;
import dev.parley.server.metrics.NodeMetrics;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

import java.util.EnumSet;
import java.util.Set;

/** API tokens and the bot mark over REST (docs/protocol.md, "Bots and API tokens"). */
public final class TokenRoutes {
    private final ApiTokens tokens;
    private final Responder respond;

    public TokenRoutes(AccountService accounts, ApiTokens tokens, NodeMetrics metrics) {
        this.tokens = tokens;
        this.respond = new Responder(accounts, metrics);
    }

    public void mount(Router r) {
        r.post("/v1/tokens").handler(ctx -> respond.authed(ctx, 201, caller -> {
            JsonObject b = Requests.body(ctx);
            ApiTokens.Issued issued = tokens.create(caller, Requests.string(b, "name"), scopes(b));
            return view(issued.apiToken()).put("token", issued.token());
        }));
        r.get("/v1/tokens").handler(ctx -> respond.authed(ctx, 200, caller -> {
            JsonArray arr = new JsonArray();
            tokens.list(caller).forEach(t -> arr.add(view(t)));
            return new JsonObject().put("tokens", arr);
        }));
        r.delete("/v1/tokens/:tokenId").handler(ctx -> respond.authed(ctx, 204, caller -> {
            tokens.revoke(caller, new DeviceId(Requests.pathId(ctx, "tokenId")));
            return null;
        }));
        r.put("/v1/me/bot").handler(ctx -> respond.authed(ctx, 200, caller -> {
            Object bot = Requests.body(ctx).getValue("bot");
            if (!(bot instanceof Boolean b)) {
                throw new ApiException(bot == null ? ErrorCode.MISSING_FIELD : ErrorCode.INVALID_FIELD,
                        "field 'bot' must be true or false");
            }
            tokens.markBot(caller, b);
            return new JsonObject().put("bot", b);
        }));
    }

    private static Set<Scope> scopes(JsonObject b) {
        Object v = b.getValue("scopes");
        if (v == null) {
            throw new ApiException(ErrorCode.MISSING_FIELD, "missing field 'scopes'");
        }
        if (!(v instanceof JsonArray arr) || arr.isEmpty() || arr.size() > Scope.values().length) {
            throw new ApiException(ErrorCode.INVALID_FIELD, "field 'scopes' must list some of read, send, manage");
        }
        EnumSet<Scope> out = EnumSet.noneOf(Scope.class);
        for (Object o : arr) {
            Scope s = o instanceof String name ? Scope.parse(name) : null;
            if (s == null) {
                throw new ApiException(ErrorCode.INVALID_FIELD, "field 'scopes' must list some of read, send, manage");
            }
            out.add(s);
        }
        return out;
    }

    private static JsonObject view(ApiToken t) {
        JsonArray scopes = new JsonArray();
        for (Scope s : Scope.values()) {
            if (t.scopes().contains(s)) {
                scopes.add(s.wire());
            }
        }
        return new JsonObject().put("tokenId", t.id().value()).put("name", t.name()).put("scopes", scopes)
                .put("createdAt", t.createdAt().toEpochMilli()).put("lastUsedAt", t.lastUsedAt().toEpochMilli());
    }
}
