package dev.parley.app.consistency;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The randomized consistency run over a cluster whose Redis dies and comes back empty, twice,
 * while devices chat, drop connections and restart: the nodes write their routes, devices and
 * presence again, every node catches its devices up from the database, and the checker finds
 * every device holding exactly the store's history.
 */
class RedisRestartConsistencyTest {

    @Test
    void everyDeviceEndsWithTheStoresHistoryAfterRedisRestartsEmpty(@TempDir Path dir) throws Exception {
        long seed = Long.getLong("parley.seed", ThreadLocalRandom.current().nextLong());
        RedisRestartFleet fleet = new RedisRestartFleet(3, dir);
        ConsistencyRun.Settings settings = new ConsistencyRun.Settings(seed, Duration.ofSeconds(8), "fsync", 4, 2, 1,
                100, 2, dir);
        ConsistencyRun.Result r = new ConsistencyRun(settings, System.out).run(fleet);

        System.out.printf("redis restarted empty: every node ready again %d ms after the last restart%n",
                fleet.recovery().toMillis());
        assertThat(r.report().consistent()).as("seed %d:%n%s", seed, r.report().summary()).isTrue();
        assertThat(r.report().confirmed()).isPositive();
    }
}
