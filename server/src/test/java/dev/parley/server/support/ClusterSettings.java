package dev.parley.server.support;

import dev.parley.server.ServerConfig;
import dev.parley.testkit.PostgresDatabases;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Nodes of a test cluster on the machine's Redis and PostgreSQL: a namespace of their own per
 * test, a node ttl of one second (a dead node is reaped within about a second and a quarter) and
 * a short presence grace.
 */
public final class ClusterSettings {
    public static final String REDIS = "redis://127.0.0.1:6379";

    private ClusterSettings() {
    }

    public static boolean redisAnswers() {
        Vertx vertx = Vertx.vertx();
        try {
            return Redis.createClient(vertx, REDIS).send(Request.cmd(Command.PING)).toCompletionStage()
                    .toCompletableFuture().get(2, TimeUnit.SECONDS) != null;
        } catch (Exception e) {
            return false;
        } finally {
            vertx.close();
        }
    }

    /** A Redis namespace no other test run uses. */
    public static String freshNamespace() {
        return "parley-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    /** {@code c} as node {@code node} of the cluster on {@code shards} and Redis under {@code namespace}. */
    public static ServerConfig node(ServerConfig c, PostgresDatabases shards, String namespace, int node) {
        return node(c, shards, REDIS, namespace, node);
    }

    /** {@code c} as node {@code node} of the cluster on {@code shards} and the Redis at {@code redis}. */
    public static ServerConfig node(ServerConfig c, PostgresDatabases shards, String redis, String namespace, int node) {
        ServerConfig.Timing t = c.timing();
        return c.withStorage(c.storage().withPostgres(shards.urls(), PostgresDatabases.USER, null))
                .withCluster(new ServerConfig.Cluster(ServerConfig.ClusterType.REDIS, node, redis, namespace,
                        Duration.ofSeconds(1)))
                .withTiming(new ServerConfig.Timing(t.heartbeat(), t.authTimeout(), Duration.ofMillis(200),
                        t.typingExpiry()))
                .withLimits(c.limits().withSendRate(10_000, 10_000));
    }
}
