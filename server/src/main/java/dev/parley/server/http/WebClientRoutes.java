package dev.parley.server.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * Serves the browser client (the static files of module {@code parley-web}) at {@code /}, with the
 * security headers the client is built to run under.
 *
 * <p>The client renders every user-supplied string as text, and the content security policy is the
 * second line of defence: scripts, styles and images come only from this node, with no inline code,
 * so even a rendering bug cannot run injected script. Every path except the APIs ({@code /v1/...},
 * {@code /admin/...}), {@code /health} and {@code /metrics} is looked up among the static files; a
 * miss falls through to the router's JSON 404.
 */
public final class WebClientRoutes {
    /** The classpath folder that holds index.html, app.js and the rest. */
    static final String ROOT = "dev/parley/web/static";

    /** No inline scripts or styles; WebSockets may go to this node over ws: or wss:; images also from blob: URLs (attachments, fetched with the token and shown from memory). */
    public static final String CONTENT_SECURITY_POLICY = "default-src 'self'; connect-src 'self' ws: wss:; "
            + "img-src 'self' data: blob:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
            + "frame-ancestors 'none'; form-action 'self'";

    /** The client needs none of these features; denying them limits what a compromised page could ask for. */
    static final String PERMISSIONS_POLICY = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), "
            + "magnetometer=(), microphone=(), payment=(), usb=()";

    // Anchored so that it means the same whether the router uses find() or matches().
    private static final String CLIENT_PATHS = "^/(?!v1(?:/|$)|admin(?:/|$)|health(?:/|$)|metrics$).*$";

    private WebClientRoutes() {
    }

    /** Mounts the client on {@code r}; call it before the {@code /v1/*} catch-all. */
    public static void mount(Router r) {
        StaticHandler files = StaticHandler.create(ROOT)
                .setIndexPage("index.html")
                .setDirectoryListing(false)
                .setIncludeHidden(false)
                // Keeps Last-Modified and If-Modified-Since handling, so a revalidation is a 304.
                .setCachingEnabled(true);
        r.routeWithRegex(CLIENT_PATHS).method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(WebClientRoutes::secure)
                .handler(files);
    }

    private static void secure(RoutingContext ctx) {
        HttpServerResponse res = ctx.response();
        res.putHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Permissions-Policy", PERMISSIONS_POLICY)
                .putHeader("Cross-Origin-Opener-Policy", "same-origin")
                .putHeader("Cross-Origin-Resource-Policy", "same-origin");
        // The file names carry no version, so the browser must revalidate on every use for an upgraded
        // node's client to take effect at once; Last-Modified keeps that to a 304. Set at the end
        // because the static handler writes its own Cache-Control (max-age, immutable).
        ctx.addHeadersEndHandler(v -> res.headers().set(HttpHeaders.CACHE_CONTROL, "no-cache"));
        ctx.next();
    }
}
