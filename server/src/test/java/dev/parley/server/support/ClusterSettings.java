package dev.parley.server.support;

import dev.parley.server.ServerConfig;
import dev.parley.testkit.PostgresDatabases;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
        return new Member(shards.urls(), redis, namespace, node, Duration.ofSeconds(1)).apply(c);
    }

    /**
     * Node {@code node} of a test cluster on the PostgreSQL shards at {@code shardUrls} and the
     * Redis at {@code redis} under {@code namespace}, with node records that live {@code nodeTtl}.
     * It can be passed to a {@link ForkedNode} as arguments, so a node in a child process joins the
     * cluster with the same settings as one in process.
     */
    public record Member(List<String> shardUrls, String redis, String namespace, int node, Duration nodeTtl) {
        private static final String FLAG = "--cluster-member";

        public Member {
            shardUrls = List.copyOf(shardUrls);
        }

        public ServerConfig apply(ServerConfig c) {
            return TestNode.presenceGrace(c.withStorage(c.storage().withPostgres(shardUrls, PostgresDatabases.USER, null))
                    .withCluster(new ServerConfig.Cluster(ServerConfig.ClusterType.REDIS, node, redis, namespace,
                            nodeTtl))
                    .withLimits(c.limits().withSendRate(10_000, 10_000)), Duration.ofMillis(200));
        }

        List<String> args() {
            List<String> args = new ArrayList<>(List.of(FLAG, redis, namespace, Integer.toString(node),
                    Long.toString(nodeTtl.toMillis())));
            args.addAll(shardUrls);
            return args;
        }

        /** The member {@link #args} describe, if {@code args} (from {@code at} on) hold one. */
        static Optional<Member> parse(List<String> args, int at) {
            if (args.size() <= at || !args.get(at).equals(FLAG)) {
                return Optional.empty();
            }
            return Optional.of(new Member(args.subList(at + 5, args.size()), args.get(at + 1), args.get(at + 2),
                    Integer.parseInt(args.get(at + 3)), Duration.ofMillis(Long.parseLong(args.get(at + 4)))));
        }
    }
}
