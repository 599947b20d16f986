package dev.parley.app.consistency;

import dev.parley.server.support.ClusterSettings;
import dev.parley.server.support.ForkedNode;
import dev.parley.testkit.PostgresDatabases;
import dev.parley.testkit.TcpBalancer;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * Several test nodes in their own processes ({@link ForkedNode}) on two PostgreSQL shards and one
 * Redis, behind a TCP balancer: a killed node's clients reconnect through the balancer to the
 * survivors.
 */
final class ClusterFleet implements Fleet {
    private static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    private final int count;
    private final Path workDir;
    private final String durability;
    private final String redisNamespace;
    private final List<ForkedNode> nodes = new ArrayList<>();
    private final List<Boolean> up = new ArrayList<>();
    private final PostgresDatabases shards;
    private TcpBalancer balancer;
    private int killed = -1;

    ClusterFleet(int count, Path workDir, String durability, String redisNamespace) {
        this.count = count;
        this.workDir = workDir;
        this.durability = durability;
        this.redisNamespace = redisNamespace;
        shards = PostgresDatabases.create(2);
    }

    @Override
    public void start() throws Exception {
        for (int n = 1; n <= count; n++) {
            ClusterSettings.Member member = new ClusterSettings.Member(shards.urls(), ClusterSettings.REDIS,
                    redisNamespace, n, Duration.ofSeconds(2));
            nodes.add(ForkedNode.start(workDir.resolve("node" + n), "storage: {durability: " + durability + "}\n",
                    JVM_OPTIONS, Optional.of(member)));
            up.add(true);
        }
        balancer = new TcpBalancer(() -> {
            List<Integer> live = new ArrayList<>();
            for (int i = 0; i < nodes.size(); i++) {
                if (up.get(i)) {
                    live.add(nodes.get(i).port());
                }
            }
            return live;
        });
    }

    @Override
    public URI uri() {
        return URI.create("http://127.0.0.1:" + balancer.port());
    }

    @Override
    public String killOne(Random random) throws Exception {
        killed = random.nextInt(nodes.size());
        up.set(killed, false);
        nodes.get(killed).kill();
        return "node " + (killed + 1) + " of " + nodes.size();
    }

    @Override
    public void restartKilled() throws Exception {
        if (killed >= 0) {
            nodes.get(killed).startAgain();
            up.set(killed, true);
            killed = -1;
        }
    }

    @Override
    public int starts() {
        return nodes.stream().mapToInt(ForkedNode::starts).sum();
    }

    @Override
    public void close() throws Exception {
        if (balancer != null) {
            balancer.close();
        }
        for (ForkedNode n : nodes) {
            n.close();
        }
        shards.close();
    }
}
