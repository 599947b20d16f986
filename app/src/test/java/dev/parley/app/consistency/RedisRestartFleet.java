package dev.parley.app.consistency;

import dev.parley.server.ParleyNode;
import dev.parley.testkit.PostgresDatabases;
import dev.parley.testkit.PrivateRedis;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Nodes on two PostgreSQL shards and a Redis of the fleet's own, behind a TCP balancer. Its
 * "fault" is Redis': killed with SIGKILL, and healing starts it again empty, as a Redis without
 * persistence comes back from a crash. The nodes stay up; {@link #recovery()} is the time from
 * the restart until every node is ready again (its routes, device records and presence written
 * again).
 */
final class RedisRestartFleet implements Fleet {
    private final int count;
    private final Path workDir;
    private PostgresDatabases shards;
    private PrivateRedis redis;
    private InProcessCluster cluster;
    private Duration recovery;

    RedisRestartFleet(int count, Path workDir) {
        this.count = count;
        this.workDir = workDir;
    }

    @Override
    public void start() throws Exception {
        shards = PostgresDatabases.create(2);
        redis = PrivateRedis.start(workDir.resolve("redis"));
        cluster = new InProcessCluster(count, workDir, shards.urls(), redis.uri(), "parley-redis-restart");
    }

    @Override
    public URI uri() {
        return cluster.uri();
    }

    @Override
    public String killOne(Random random) throws Exception {
        redis.kill();
        return "Redis";
    }

    @Override
    public void restartKilled() throws Exception {
        redis.startAgain();
        long started = System.nanoTime();
        long deadline = started + TimeUnit.SECONDS.toNanos(60);
        while (cluster.nodes().stream().anyMatch(n -> n.links().linkProblem() != null)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("nodes not back on Redis within 60 s");
            }
            Thread.sleep(10);
        }
        recovery = Duration.ofNanos(System.nanoTime() - started);
    }

    /** From Redis' restart until every node's link was back and its records written again. */
    Duration recovery() {
        return recovery;
    }

    @Override
    public int starts() {
        return count;
    }

    @Override
    public void close() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (redis != null) {
            redis.close();
        }
        if (shards != null) {
            shards.close();
        }
    }
}
