package dev.parley.app.consistency;

import dev.parley.server.ParleyNode;
import dev.parley.server.ServerConfig;
import dev.parley.store.Durability;
import dev.parley.testkit.TcpBalancer;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Cluster nodes in this JVM (on the given PostgreSQL shards and Redis, fsync durability, cheap
 * password hashing, no send limit) behind a TCP balancer: for fleets whose faults are in the
 * services the nodes depend on, not in the nodes, so a test can look inside the nodes.
 */
final class InProcessCluster implements AutoCloseable {
    private final List<ParleyNode> nodes = new ArrayList<>();
    private final TcpBalancer balancer;

    InProcessCluster(int count, Path workDir, List<String> postgresUrls, String redisUri, String redisNamespace)
            throws Exception {
        try {
            for (int n = 1; n <= count; n++) {
                ServerConfig c = ServerConfig.defaults()
                        .withAddress("127.0.0.1", 0)
                        .withDataDir(workDir.resolve("node" + n))
                        .withPasswords(ServerConfig.Passwords.fastForTests());
                c = c.withStorage(c.storage().withPostgres(postgresUrls, "postgres", null))
                        .withDurability(Durability.FSYNC)
                        .withCluster(new ServerConfig.Cluster(ServerConfig.ClusterType.REDIS, n, redisUri,
                                redisNamespace, Duration.ofSeconds(2)))
                        .withLimits(c.limits().withSendRate(100_000, 100_000));
                nodes.add(ParleyNode.start(c));
            }
            balancer = new TcpBalancer(() -> nodes.stream().map(ParleyNode::port).toList());
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    List<ParleyNode> nodes() {
        return nodes;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + balancer.port());
    }

    @Override
    public void close() throws Exception {
        if (balancer != null) {
            balancer.close();
        }
        for (ParleyNode n : nodes) {
            n.close();
        }
    }
}
