package dev.parley.cluster;

import dev.parley.core.account.UserId;
import dev.parley.core.delivery.NodeRoutes;

import java.util.concurrent.CompletableFuture;

/** Records in Redis which users have connections on this node, so others route their events here. */
public final class RedisRoutes implements NodeRoutes {
    private final RedisCluster cluster;
    private final Keys keys;
    private final int node;

    RedisRoutes(RedisCluster cluster, Keys keys, int node) {
        this.cluster = cluster;
        this.keys = keys;
        this.node = node;
    }

    @Override
    public CompletableFuture<Void> arrived(UserId user) {
        return RedisCluster.completable(cluster.eval(RedisScripts.ARRIVED, keys.namespace(), node, user.value()))
                .thenApply(r -> null);
    }

    @Override
    public void left(UserId user) {
        cluster.eval(RedisScripts.LEFT, keys.namespace(), node, user.value());
    }
}
