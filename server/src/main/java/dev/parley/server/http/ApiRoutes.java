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
 * {@code /health} on the public port, and the administration API under {@code /admin/v1} on its
 * own. docs/protocol.md and docs/operations.md document every route.
 */
public final class ApiRoutes {
    private final ApiServices s;
    private final Responder respond;
    private final ClientAddress clients;

    private ApiRoutes(ApiServices services) {
        this.s = services;
        this.respond = new Responder(services.accounts(), services.metrics());
        this.clients = new ClientAddress(services.config().accounts().trustedProxies());
    }

    public static Router router(Vertx vertx, ApiServices services) {
        return new ApiRoutes(services).build(vertx);
    }

    /** The administration API, for a listener of its own. */
    public static Router adminRouter(Vertx vertx, ApiServices services) {
        ApiRoutes routes = new ApiRoutes(services);
        Router r = Router.router(vertx);
        routes.guard(r, "/admin/v1/*");
        // Readiness here too: a restarted node's public port is flooded by its clients coming
        // back, and whoever restarted it (an operator's script, the benchmark) can still see when
        // it is ready. Without the token, like the public port's.
        r.get("/health").handler(routes::health);
        r.get("/health/ready").handler(routes::health);
        new AdminRoutes(services.accounts(), services.administration(), services.liveStats(), services.adminToken(),
                routes.respond, services.people()).withAttachments(services.attachments()).mount(r);
        routes.errors(r);
        return r;
    }

    /**
     * What every answer gets: a request id and {@code nosniff}; and under {@code prefix}: no
     * caching (answers carry tokens and private data), JSON bodies only, and the body limit.
     */
    private void guard(Router r, String prefix) {
        r.route().handler(RequestIds::assign);
        r.route().handler(ctx -> {
            ctx.response().putHeader("X-Content-Type-Options", "nosniff");
            ctx.next();
        });
        r.route(prefix).handler(ctx -> {
            ctx.response().putHeader("Cache-Control", "no-store");
            ctx.next();
        });
        // The avatar upload's body is an image with a limit of its own (PeopleRoutes.mountUploads);
        // an attachment upload's is the file, streamed to disk (AttachmentRoutes).
        jsonRoute(r, prefix).handler(this::jsonBodiesOnly);
        jsonRoute(r, prefix).handler(BodyHandler.create(false).setBodyLimit(s.config().limits().maxHttpBodyBytes()));
    }

    private static io.vertx.ext.web.Route jsonRoute(Router r, String prefix) {
        return prefix.equals("/v1/*") ? r.routeWithRegex("^/v1/(?!(" + PeopleRoutes.UPLOAD.substring(4) + "|"
                + AttachmentRoutes.UPLOAD.substring(4) + ")$).*")
                : r.route(prefix);
    }

    /**
     * A body must be declared JSON: a browser sends a cross-site form or {@code text/plain} POST
     * without asking first (a "simple" request), but never one with {@code application/json}.
     */
    private void jsonBodiesOnly(RoutingContext ctx) {
        String length = ctx.request().getHeader("Content-Length");
        boolean hasBody = (length != null && !length.strip().equals("0"))
                || ctx.request().getHeader("Transfer-Encoding") != null;
        if (hasBody && !JsonMediaType.is(ctx.request().getHeader("Content-Type"))) {
            respond.error(ctx, ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                    "request bodies must be sent as Content-Type: application/json");
            return;
        }
        ctx.next();
    }

    private Router build(Vertx vertx) {
        Router r = Router.router(vertx);
        guard(r, "/v1/*");
        ConversationRoutes conversations = new ConversationRoutes(s, respond);
        if (s.people() != null) {
            PeopleRoutes people = new PeopleRoutes(s, respond, conversations);
            people.mountUploads(r);
            people.mount(r);
        }
        if (s.attachments() != null) {
            new AttachmentRoutes(s, respond).mount(r);
        }
        if (s.search() != null) {
            new SearchRoutes(s.search(), respond).mount(r);
        }
        r.get("/health").handler(this::health);
        r.get("/health/ready").handler(this::health);
        r.get("/health/live").handler(ctx -> ctx.response().putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("status", "live").toBuffer()));
        if (s.config().observability().metrics()) {
            r.get("/metrics").handler(ctx -> ctx.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(s.metrics().scrape()));
        }

        r.post("/v1/accounts").handler(ctx -> {
            String origin = clients.of(ctx);
            respond.open(ctx, 201, () -> {
                JsonObject b = Requests.body(ctx);
                return Views.account(s.accounts().register(Requests.string(b, "username"), Requests.string(b, "password"),
                        origin, Requests.optString(b, "invite")));
            });
        });
        r.post("/v1/sessions").handler(ctx -> {
            String origin = clients.of(ctx);
            respond.open(ctx, 201, () -> {
                JsonObject b = Requests.body(ctx);
                AccountService.Login login = s.accounts().login(Requests.string(b, "username"),
                        Requests.string(b, "password"), Requests.optString(b, "deviceName"), origin);
                return new JsonObject().put("token", login.token()).put("userId", login.device().userId().value())
                        .put("deviceId", login.device().id().value());
            });
        });
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
        OpenApiDocument.mount(r);

        conversations.mount(r);
        if (s.push() != null) {
            new PushRoutes(s.push(), respond).mount(r);
        }

        WebClientRoutes.mount(r);
        errors(r);
        return r;
    }

    private void errors(Router r) {
        r.errorHandler(404, ctx -> respond.error(ctx, ErrorCode.NOT_FOUND, "no such endpoint"));
        r.errorHandler(405, ctx -> respond.error(ctx, ErrorCode.METHOD_NOT_ALLOWED, "method not allowed on this path"));
        r.errorHandler(413, ctx -> respond.error(ctx, ErrorCode.TOO_LARGE,
                "body is larger than " + s.config().limits().maxHttpBodyBytes() + " bytes"));
        r.errorHandler(400, ctx -> respond.error(ctx, ErrorCode.MALFORMED, "bad request"));
        r.errorHandler(500, ctx -> respond.fail(ctx, ctx.failure() == null ? new IllegalStateException() : ctx.failure()));
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
