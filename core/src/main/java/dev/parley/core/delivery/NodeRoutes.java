package dev.parley.core.delivery;

import dev.parley.core.account.UserId;

import java.util.concurrent.CompletableFuture;

/**
 * Which users have a connection on this node, as the rest of a cluster needs to know to route
 * events here. Told when a user's first connection on this node opens and when their last one
 * closes. On a single node there is nothing to tell.
 */
public interface NodeRoutes {

    /** No other nodes: nothing to record. */
    NodeRoutes NONE = new NodeRoutes() {
        @Override
        public CompletableFuture<Void> arrived(UserId user) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void left(UserId user) {
        }
    };

    /**
     * The user's first connection on this node opened. The future completes once other nodes
     * route the user's events here, so a catch-up that starts after it misses nothing.
     */
    CompletableFuture<Void> arrived(UserId user);

    /** The user's last connection on this node closed. */
    void left(UserId user);
}
