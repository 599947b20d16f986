package dev.parley.cluster;

import dev.parley.core.account.UserId;
import dev.parley.core.delivery.NodeRoutes;
import io.vertx.core.Future;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Records in Redis which users have connections on this node, so others route their events here.
 *
 * <p>The node keeps its own copy of what it told Redis; when Redis may have lost some of it (a
 * write failed, Redis restarted empty), {@link #rewrite} replaces the node's routes in Redis with
 * that copy. Writes and rewrites are sent under one lock on the cluster's ordered connection, so
 * a rewrite never undoes a later arrival or departure.
 */
public final class RedisRoutes implements NodeRoutes {
    private final RedisCluster cluster;
    private final Keys keys;
    private final int node;
    /** Users with a connection here. Guarded by this. */
    private final Set<Long> held = new HashSet<>();

    RedisRoutes(RedisCluster cluster, Keys keys, int node) {
        this.cluster = cluster;
        this.keys = keys;
        this.node = node;
    }

    @Override
    public synchronized CompletableFuture<Void> arrived(UserId user) {
        held.add(user.value());
        return RedisCluster.completable(written(cluster.eval(RedisScripts.ARRIVED, keys.namespace(), node, user.value())))
                .thenApply(r -> null);
    }

    @Override
    public synchronized void left(UserId user) {
        held.remove(user.value());
        written(cluster.eval(RedisScripts.LEFT, keys.namespace(), node, user.value()));
    }

    /** Makes this node's routes in Redis exactly the users it holds. */
    synchronized Future<?> rewrite() {
        return cluster.eval(RedisScripts.SYNC_ROUTES, RedisScripts.args(held, keys.namespace(), node));
    }

    synchronized int size() {
        return held.size();
    }

    private <T> Future<T> written(Future<T> write) {
        return write.onFailure(e -> cluster.lostWrite("a route", e));
    }
}
