package dev.parley.server.http;

import dev.parley.core.account.AccountService;
import dev.parley.core.account.Caller;
import dev.parley.core.ChatException;
import dev.parley.protocol.ErrorCode;
import dev.parley.server.Blocking;
import dev.parley.server.ErrorMapping;
import dev.parley.server.metrics.NodeMetrics;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * Runs a REST handler's domain work on a virtual thread and writes its JSON answer, or the
 * documented error body, back on the request's event loop.
 */
final class Responder {
    private static final Logger log = LoggerFactory.getLogger(Responder.class);
    private final AccountService accounts;
    private final NodeMetrics metrics;

    Responder(AccountService accounts, NodeMetrics metrics) {
        this.accounts = accounts;
        this.metrics = metrics;
    }

    /** Work that needs the caller's device: the bearer token is checked first. */
    interface AuthedWork {
        JsonObject run(Caller caller) throws Exception;
    }

    void open(RoutingContext ctx, int status, Callable<JsonObject> work) {
        Blocking.run(ctx.vertx().getOrCreateContext(), work).onComplete(ar -> {
            if (ar.succeeded()) {
                ok(ctx, status, ar.result());
            } else {
                fail(ctx, ar.cause());
            }
        });
    }

    void authed(RoutingContext ctx, int status, AuthedWork work) {
        String header = ctx.request().getHeader("Authorization");
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        open(ctx, status, () -> {
            if (token == null) {
                throw new ChatException(ChatException.Refusal.UNAUTHENTICATED, "missing bearer token");
            }
            Caller caller = accounts.authenticate(token);
            caller.require(TokenScopes.needed(ctx.request().method(), ctx.request().path()));
            return work.run(caller);
        });
    }

    static void ok(RoutingContext ctx, int status, JsonObject body) {
        if (ctx.response().ended()) {
            return;
        }
        if (body == null) {
            ctx.response().setStatusCode(status == 200 ? 204 : status).end();
        } else {
            ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.toBuffer());
        }
    }

    void fail(RoutingContext ctx, Throwable t) {
        Throwable cause = ErrorMapping.unwrap(t);
        ErrorCode code;
        String message;
        if (cause instanceof ApiException api) {
            code = api.code();
            message = api.getMessage();
        } else {
            ErrorMapping.Refusal r = ErrorMapping.of(cause, "req=" + RequestIds.of(ctx));
            code = r.code();
            message = r.message();
        }
        Duration retryAfter = cause instanceof ChatException ce ? ce.retryAfter() : Duration.ZERO;
        error(ctx, code, message, retryAfter);
    }

    void error(RoutingContext ctx, ErrorCode code, String message) {
        error(ctx, code, message, Duration.ZERO);
    }

    /** The error body; a positive {@code retryAfter} also goes out as {@code Retry-After} (whole seconds, rounded up). */
    void error(RoutingContext ctx, ErrorCode code, String message, Duration retryAfter) {
        if (ctx.response().ended()) {
            return;
        }
        JsonObject body = Views.error(code.wire(), message);
        if (retryAfter.isPositive()) {
            long millis = Math.max(1, retryAfter.toMillis());
            ctx.response().putHeader("Retry-After", Long.toString((millis + 999) / 1000));
            body.getJsonObject("error").put("retryAfterMs", millis);
        }
        metrics.error(code);
        // The path, not the URI: a query string is the client's to keep out of the logs.
        log.debug("refused req={} {} {} status={} code={}", RequestIds.of(ctx), ctx.request().method(),
                ctx.request().path(), code.httpStatus(), code.wire());
        ctx.response().setStatusCode(code.httpStatus()).putHeader("Content-Type", "application/json")
                .end(body.toBuffer());
    }
}
