package dev.parley.server.http;

import dev.parley.core.account.AccountService;
import dev.parley.core.account.Device;
import dev.parley.core.account.DeviceId;
import dev.parley.protocol.ErrorCode;
import dev.parley.server.Readiness;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;


/**
 * The REST API under {@code /v1} (accounts, sessions, devices, conversations, history) and
 * {@code /health}. docs/protocol.md documents every route.
 */
public final class ApiRoutes {
    private final ApiServices s;
    private final Responder respond;

    private ApiRoutes(ApiServices services) {
        this.s = services;
        this.respond = new Responder(services.accounts(), services.metrics());
    }

    public static Router router(Vertx vertx, ApiServices services) {
        return new ApiRoutes(services).build(vertx);
    }

    private Router build(Vertx vertx) {
        Router r = Router.router(vertx);
        r.route().handler(RequestIds::assign);
        r.get("/health").handler(this::health);
        r.get("/health/ready").handler(this::health);
        r.get("/health/live").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("status", "live").toBuffer()));
        if (s.config().observability().metrics()) {
            r.get("/metrics").handler(ctx -> ctx.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(s.metrics().scrape()));
        }
        r.route("/v1/*").handler(BodyHandler.create(false).setBodyLimit(s.config().limits().maxHttpBodyBytes()));

        r.post("/v1/accounts").handler(ctx -> respond.open(ctx, 201, () -> {
            JsonObject b = Requests.body(ctx);
            return Views.account(s.accounts().register(Requests.string(b, "username"), Requests.string(b, "password")));
        }));
        r.post("/v1/sessions").handler(ctx -> respond.open(ctx, 201, () -> {
            JsonObject b = Requests.body(ctx);
            AccountService.Login login = s.accounts().login(Requests.string(b, "username"),
                    Requests.string(b, "password"), Requests.optString(b, "deviceName"));
            return new JsonObject().put("token", login.token()).put("userId", login.device().userId().value())
                    .put("deviceId", login.device().id().value());
        }));
        r.delete("/v1/sessions/current").handler(ctx -> respond.authed(ctx, 204, caller -> {
            s.accounts().logout(caller);
            return null;
        }));
        r.get("/v1/me").handler(ctx -> respond.authed(ctx, 200, caller ->
                Views.account(s.accounts().account(caller.userId())).put("deviceId", caller.deviceId().value())));
        r.get("/v1/devices").handler(ctx -> respond.authed(ctx, 200, caller -> {
            JsonArray arr = new JsonArray();
            for (Device d : s.accounts().devices(caller)) {
                arr.add(Views.device(d, d.id().equals(caller.deviceId())));
            }
            return new JsonObject().put("devices", arr);
        }));
        r.delete("/v1/devices/:deviceId").handler(ctx -> respond.authed(ctx, 204, caller -> {
            s.accounts().revokeDevice(caller, new DeviceId(Requests.pathId(ctx, "deviceId")));
            return null;
        }));
        r.get("/v1/users/:username").handler(ctx -> respond.authed(ctx, 200, caller ->
                Views.account(s.accounts().accountByUsername(ctx.pathParam("username")))));

        new ConversationRoutes(s, respond).mount(r);
        if (s.push() != null) {
            new PushRoutes(s.push(), respond).mount(r);
        }
        r.route("/admin/v1/*").handler(BodyHandler.create(false).setBodyLimit(s.config().limits().maxHttpBodyBytes()));
        new AdminRoutes(s.accounts(), s.administration(), s.liveStats(), s.adminToken(), respond).mount(r);

        WebClientRoutes.mount(r);
        r.errorHandler(404, ctx -> respond.error(ctx, ErrorCode.NOT_FOUND, "no such endpoint"));
        r.errorHandler(405, ctx -> respond.error(ctx, ErrorCode.METHOD_NOT_ALLOWED, "method not allowed on this path"));
        r.errorHandler(413, ctx -> respond.error(ctx, ErrorCode.TOO_LARGE,
                "body is larger than " + s.config().limits().maxHttpBodyBytes() + " bytes"));
        r.errorHandler(400, ctx -> respond.error(ctx, ErrorCode.MALFORMED, "bad request"));
        r.errorHandler(500, ctx -> respond.fail(ctx, ctx.failure() == null ? new IllegalStateException() : ctx.failure()));
        return r;
    }

    private void health(RoutingContext ctx) {
        Readiness r = s.readiness().get();
        JsonObject body = new JsonObject().put("status", r.ready() ? "ready" : "unavailable");
        if (r.reason() != null) {
            body.put("reason", r.reason());
        }
        if (!r.problems().isEmpty()) {
            body.put("problems", new JsonArray(r.problems()));
        }
        ctx.response().setStatusCode(r.ready() ? 200 : 503).putHeader("Content-Type", "application/json")
                .end(body.toBuffer());
    }
}
