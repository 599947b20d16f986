package dev.parley.core.account;

import dev.parley.core.ChatException;
import dev.parley.core.ChatException.Refusal;
import dev.parley.core.IdGenerator;
import dev.parley.core.Text;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * API tokens and bot accounts (docs/protocol.md, "Bots and API tokens"). A token is a device that
 * no password login made: created by its owner from a login, named, scoped, shown once and stored
 * as a hash like a login's token; revoked like a device (which also closes its sockets). Only a
 * login manages tokens, so a leaked token cannot mint more.
 */
public final class ApiTokens {
    /** Live tokens one user may hold. */
    public static final int MAX_PER_USER = 50;
    public static final int MAX_NAME = 64;

    private final AccountStore store;
    private final AccountService accounts;
    private final IdGenerator ids;
    private final Clock clock;

    public ApiTokens(AccountStore store, AccountService accounts, IdGenerator ids, Clock clock) {
        this.store = store;
        this.accounts = accounts;
        this.ids = ids;
        this.clock = clock;
    }

    /** A new token and the one time its secret is seen. */
    public record Issued(String token, ApiToken apiToken) {
    }

    public Issued create(Caller caller, String name, Set<Scope> scopes) {
        caller.requireLogin("creating an API token");
        if (name.isBlank() || name.length() > MAX_NAME) {
            throw ChatException.invalid("name must be 1 to " + MAX_NAME + " characters");
        }
        Text.require(name, "name");
        if (scopes.isEmpty()) {
            throw ChatException.invalid("scopes must name at least one of read, send, manage");
        }
        if (store.listApiTokens(caller.userId()).size() >= MAX_PER_USER) {
            throw new ChatException(Refusal.TOO_LARGE, "at most " + MAX_PER_USER + " API tokens per account");
        }
        String token = AccessToken.generate();
        Instant now = Instant.ofEpochMilli(clock.millis());
        ApiToken t = new ApiToken(new DeviceId(ids.next()), caller.userId(), name, Set.copyOf(scopes), now, now);
        store.createApiToken(t, AccessToken.hash(token));
        return new Issued(token, t);
    }

    public List<ApiToken> list(Caller caller) {
        caller.requireLogin("listing API tokens");
        return store.listApiTokens(caller.userId());
    }

    /** Revokes one of the caller's tokens; {@code not_found} for anything else. */
    public void revoke(Caller caller, DeviceId token) {
        caller.requireLogin("revoking an API token");
        if (store.listApiTokens(caller.userId()).stream().noneMatch(t -> t.id().equals(token))) {
            throw new ChatException(Refusal.NOT_FOUND, "no such API token");
        }
        accounts.revokeDevice(caller, token);
    }

    /** Marks the caller's account as a bot, or not. */
    public void markBot(Caller caller, boolean bot) {
        caller.require(Scope.MANAGE);
        store.setBot(caller.userId(), bot);
    }
}
