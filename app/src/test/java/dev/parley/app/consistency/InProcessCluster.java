package dev.parley.app.consistency;

import dev.parley.server.ParleyNode;
import dev.parley.server.ServerConfig;
import dev.parley.server.support.ClusterSettings;
import dev.parley.server.support.TestNode;
import dev.parley.store.Durability;
import dev.parley.testkit.TcpBalancer;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Test nodes ({@link TestNode}) in this JVM, members of a cluster on the given PostgreSQL shards
 * and Redis ({@link ClusterSettings.Member}), with fsync durability and no practical send limit,
 * behind a TCP balancer: for fleets whose faults are in the services the nodes depend on, not in
 * the nodes, so a test can look inside the nodes.
 */
final class InProcessCluster implements AutoCloseable {
    private final List<TestNode> nodes = new ArrayList<>();
    /** The nodes as started; a fleet still reads their stores' figures after it closed them. */
    private final List<ParleyNode> started;
    private final TcpBalancer balancer;

    InProcessCluster(int count, Path workDir, List<String> postgresUrls, String redisUri, String redisNamespace)
            throws Exception {
        try {
            for (int n = 1; n <= count; n++) {
                ClusterSettings.Member member = new ClusterSettings.Member(postgresUrls, redisUri, redisNamespace, n,
                        Duration.ofSeconds(2));
                nodes.add(TestNode.start(workDir.resolve("node" + n), c -> {
                    ServerConfig clustered = member.apply(c).withDurability(Durability.FSYNC);
                    return clustered.withLimits(clustered.limits().withSendRate(100_000, 100_000));
                }));
            }
            started = nodes.stream().map(TestNode::node).toList();
            balancer = new TcpBalancer(() -> nodes.stream().map(TestNode::port).toList());
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    List<ParleyNode> nodes() {
        return started;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + balancer.port());
    }

    @Override
    public void close() throws Exception {
        if (balancer != null) {
            balancer.close();
        }
        for (TestNode n : nodes) {
            n.close();
        }
    }
}
