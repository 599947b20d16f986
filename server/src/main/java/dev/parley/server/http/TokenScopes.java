package dev.parley.server.http;

import dev.parley.core.account.Scope;
import io.vertx.core.http.HttpMethod;

import java.util.regex.Pattern;

/**
 * Which scope a REST request needs from an API token (docs/protocol.md, "Bots and API tokens"):
 * reading is {@code read}; sending a message, a message action, a receipt or typing is {@code send}; every other
 * change is {@code manage}. A login holds all three.
 */
final class TokenScopes {
    private static final Pattern SENDS = Pattern.compile(
            "^/v1/conversations/[^/]+/(messages|delivered|read|typing|messages/[^/]+/(react|edit|delete))$");

    private TokenScopes() {
    }

    static Scope needed(HttpMethod method, String path) {
        if (method == HttpMethod.GET || method == HttpMethod.HEAD) {
            return Scope.READ;
        }
        if (method == HttpMethod.POST && SENDS.matcher(path).matches()) {
            return Scope.SEND;
        }
        return Scope.MANAGE;
    }
}
