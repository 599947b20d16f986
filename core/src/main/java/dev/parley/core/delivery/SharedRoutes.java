package dev.parley.core.delivery;

import dev.parley.core.account.UserId;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * One node's routes shared by everything on it that listens for a user's events: WebSockets and
 * waiting pull requests ({@code /v1/sync}, {@code /v1/events}) each say when they arrive and leave,
 * and the cluster hears only of a user's first arrival and last departure. Without this, a long
 * poll ending would withdraw the route of a WebSocket of the same user still open on the node.
 */
public final class SharedRoutes implements NodeRoutes {
    private final NodeRoutes inner;
    /** Guarded by this. */
    private final Map<UserId, Holders> held = new HashMap<>();

    private static final class Holders {
        int count;
        CompletableFuture<Void> routed;
    }

    public SharedRoutes(NodeRoutes inner) {
        this.inner = inner;
    }

    @Override
    public synchronized CompletableFuture<Void> arrived(UserId user) {
        Holders h = held.computeIfAbsent(user, u -> new Holders());
        if (h.count++ == 0) {
            h.routed = inner.arrived(user);
        }
        return h.routed;
    }

    @Override
    public synchronized void left(UserId user) {
        Holders h = held.get(user);
        if (h == null) {
            return;
        }
        if (--h.count == 0) {
            held.remove(user);
            inner.left(user);
        }
    }
}
