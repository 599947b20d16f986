package dev.parley.app.consistency;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The randomized consistency run over a cluster: three nodes in their own processes on two
 * PostgreSQL shards and Redis, behind a balancer; a node is killed with SIGKILL and restarted
 * while devices chat, drop connections and restart, and the checker finds every device holding
 * exactly the store's history.
 */
class ClusterConsistencyTest {

    @Test
    void everyDeviceEndsWithTheStoresHistoryWhileNodesDie(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("parley.seed", ThreadLocalRandom.current().nextLong());
        String namespace = "parley-consistency-" + Long.toHexString(seed);
        ConsistencyRun.Settings settings = new ConsistencyRun.Settings(seed, Duration.ofSeconds(15), "os", 5, 2, 2, 100,
                2, dir);
        ConsistencyRun.Result r = new ConsistencyRun(settings, System.out)
                .run(new ClusterFleet(3, dir, "os", namespace));

        assertThat(r.report().consistent()).as("seed %d:%n%s", seed, r.report().summary()).isTrue();
        assertThat(r.nodeStarts()).as("three nodes started, two restarts after kills").isEqualTo(5);
        assertThat(r.report().confirmed()).isPositive();
        assertThat(r.report().refused()).isPositive();
    }
}
