package dev.parley.server.pull;

import dev.parley.core.account.UserId;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.delivery.NodeRoutes;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The requests on this node waiting for a user's events (long polls), by user. A waiting request
 * is a registered object and a timer, not a thread. While a user has one here, the cluster routes
 * the user's events to this node, through the routes it shares with the WebSockets.
 */
public final class PullWaiters {

    /** A waiting request: told of its user's events (from any thread) and of the node stopping. */
    public interface Waiter {
        void event(ChatEvent event);

        /** The node stops: answer now with what there is. */
        void end();
    }

    private final ConcurrentHashMap<UserId, Set<Waiter>> byUser = new ConcurrentHashMap<>();
    private volatile NodeRoutes routes = NodeRoutes.NONE;

    /** Where this node records which users it holds: the routes shared with the WebSockets. */
    public void routes(NodeRoutes routes) {
        this.routes = routes;
    }

    /** Registers the waiter; the future completes once the user's events are routed to this node. */
    public CompletableFuture<Void> add(UserId user, Waiter waiter) {
        byUser.computeIfAbsent(user, u -> new CopyOnWriteArraySet<>()).add(waiter);
        return routes.arrived(user);
    }

    public void remove(UserId user, Waiter waiter) {
        boolean[] removed = new boolean[1];
        byUser.computeIfPresent(user, (u, set) -> {
            removed[0] = set.remove(waiter);
            return set.isEmpty() ? null : set;
        });
        if (removed[0]) {
            routes.left(user);
        }
    }

    /** An event for {@code audience}: entries and receipts wake their users' waiting requests. */
    public void publish(ChatEvent event, Collection<UserId> audience) {
        if (byUser.isEmpty() || !(event instanceof ChatEvent.MessageAdded || event instanceof ChatEvent.ReceiptMoved)) {
            return;
        }
        for (UserId user : audience) {
            Set<Waiter> set = byUser.get(user);
            if (set != null) {
                set.forEach(w -> w.event(event));
            }
        }
    }

    /** How many requests wait here now. */
    public int count() {
        int n = 0;
        for (Set<Waiter> set : byUser.values()) {
            n += set.size();
        }
        return n;
    }

    /** The node stops: every waiting request answers now. */
    public void endAll() {
        byUser.values().forEach(set -> set.forEach(Waiter::end));
    }
}
