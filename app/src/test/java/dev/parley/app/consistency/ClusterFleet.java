package dev.parley.app.consistency;

import dev.parley.testkit.PostgresDatabases;
import dev.parley.testkit.TcpBalancer;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Several nodes in their own processes on two PostgreSQL shards and one Redis, behind a TCP
 * balancer: a killed node's clients reconnect through the balancer to the survivors.
 */
final class ClusterFleet implements Fleet {
    private final List<NodeProcess> nodes = new ArrayList<>();
    private final List<Boolean> up = new ArrayList<>();
    private final PostgresDatabases shards;
    private TcpBalancer balancer;
    private int killed = -1;

    ClusterFleet(int count, Path workDir, String durability, String redisNamespace) throws IOException {
        shards = PostgresDatabases.create(2);
        for (int n = 1; n <= count; n++) {
            int port = NodeProcess.freePort();
            Path config = workDir.resolve("node" + n + ".yaml");
            Files.createDirectories(workDir);
            Files.writeString(config, """
                    server:
                      host: 127.0.0.1
                      port: %d
                    storage:
                      type: postgres
                      dataDir: %s
                      durability: %s
                      postgresUser: %s
                      postgresUrls: [%s]
                    cluster:
                      type: redis
                      nodeNumber: %d
                      redisUri: redis://127.0.0.1:6379
                      redisNamespace: %s
                      nodeTtl: 2s
                    passwords:
                      memoryKiB: 64
                      iterations: 1
                    limits:
                      sendsPerSecond: 100000
                      sendBurst: 100000
                    accounts:
                      registrationsPerAddress: 100000
                      loginFailuresPerAddress: 100000
                    """.formatted(port, workDir.resolve("node" + n), durability, PostgresDatabases.USER,
                    String.join(", ", shards.urls()), n, redisNamespace));
            nodes.add(new NodeProcess(workDir.resolve("node" + n), port, List.of("--config", config.toString()),
                    workDir.resolve("node" + n + ".log")));
            up.add(false);
        }
    }

    @Override
    public void start() throws Exception {
        for (int i = 0; i < nodes.size(); i++) {
            nodes.get(i).start();
            up.set(i, true);
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
            nodes.get(killed).start();
            up.set(killed, true);
            killed = -1;
        }
    }

    @Override
    public int starts() {
        return nodes.stream().mapToInt(NodeProcess::starts).sum();
    }

    @Override
    public void close() throws Exception {
        if (balancer != null) {
            balancer.close();
        }
        for (NodeProcess n : nodes) {
            n.close();
        }
        shards.close();
    }
}
