package dev.parley.core.account;

import dev.parley.core.ChatException;

import java.util.Set;

/**
 * The authenticated device on whose behalf a request runs: a login (every scope) or an API token
 * (the scopes its owner gave it).
 */
public record Caller(UserId userId, DeviceId deviceId, Set<Scope> scopes, boolean apiToken) {

    /** A login: may do everything. */
    public Caller(UserId userId, DeviceId deviceId) {
        this(userId, deviceId, Scope.ALL, false);
    }

    public boolean may(Scope scope) {
        return scopes.contains(scope);
    }

    /** Refuses ({@code forbidden}) unless the caller holds the scope. */
    public void require(Scope scope) {
        if (!may(scope)) {
            throw new ChatException(ChatException.Refusal.FORBIDDEN, "this API token lacks the '" + scope.wire()
                    + "' scope");
        }
    }

    /** Refuses ({@code forbidden}) an API token: what only a login may do. */
    public void requireLogin(String what) {
        if (apiToken) {
            throw new ChatException(ChatException.Refusal.FORBIDDEN, what + " needs a login, not an API token");
        }
    }
}
