package dev.parley.app.consistency;

import dev.parley.server.ParleyNode;
import dev.parley.store.Database;
import dev.parley.store.GroupCommitWriter;
import dev.parley.testkit.PostgresPair;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Nodes on a PostgreSQL primary with a synchronous standby (two shard databases on the pair, named
 * to the nodes by multi-host JDBC URLs with {@code targetServerType=primary}) and Redis, behind a
 * TCP balancer. Its "fault" is the database's: the primary is killed with SIGKILL, and healing
 * promotes the standby; the nodes stay up and must find the new primary by themselves.
 *
 * <p>The nodes run in this JVM, so the fleet can watch every writer lane of every shard on every
 * node: {@link #recovery()} is the time from the promotion until each lane committed again.
 */
final class DatabaseFailoverFleet implements Fleet {
    private static final Duration PROBE_EVERY = Duration.ofMillis(20);

    private final int count;
    private final Path workDir;
    private final String redisNamespace;
    private PostgresPair pair;
    private InProcessCluster cluster;
    private long killedAt;
    private Duration downtime;
    private Duration afterPromotion;

    DatabaseFailoverFleet(int count, Path workDir, String redisNamespace) {
        this.count = count;
        this.workDir = workDir;
        this.redisNamespace = redisNamespace;
    }

    @Override
    public void start() throws Exception {
        pair = PostgresPair.start();
        List<String> urls = new ArrayList<>();
        for (int shard = 0; shard < 2; shard++) {
            pair.createDatabase("parley_shard" + shard);
            urls.add(pair.failoverUrl("parley_shard" + shard));
        }
        cluster = new InProcessCluster(count, workDir, urls, "redis://127.0.0.1:6379", redisNamespace);
    }

    @Override
    public URI uri() {
        return cluster.uri();
    }

    @Override
    public String killOne(Random random) throws Exception {
        pair.killPrimary();
        killedAt = System.nanoTime();
        return "the PostgreSQL primary";
    }

    /** Promotes the standby, then waits until every writer lane of every node commits on it. */
    @Override
    public void restartKilled() throws Exception {
        pair.promoteStandby();
        long promoted = System.nanoTime();
        List<CompletableFuture<Void>> lanes = new ArrayList<>();
        for (ParleyNode node : cluster.nodes()) {
            for (Database db : node.stores().shards().all()) {
                for (GroupCommitWriter lane : db.writers()) {
                    lanes.add(CompletableFuture.runAsync(() -> commitsAgain(lane), r -> Thread.ofVirtual().start(r)));
                }
            }
        }
        CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        long back = System.nanoTime();
        afterPromotion = Duration.ofNanos(back - promoted);
        downtime = Duration.ofNanos(back - killedAt);
    }

    /** Commits a transaction that needs a primary (it takes a transaction id) until one succeeds. */
    private static void commitsAgain(GroupCommitWriter lane) {
        while (true) {
            try {
                lane.submit(s -> {
                    try (var st = s.connection().createStatement()) {
                        st.execute("SELECT txid_current()");
                    }
                    return null;
                }).get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException notYet) {
                try {
                    Thread.sleep(PROBE_EVERY.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** From the promotion of the standby until every writer lane of every node committed again. */
    Duration recovery() {
        return afterPromotion;
    }

    /** From the primary's death until every writer lane of every node committed again. */
    Duration downtime() {
        return downtime;
    }

    /** Shard databases times nodes: each has a read pool. */
    int databases() {
        return cluster.nodes().stream().mapToInt(n -> n.stores().shards().size()).sum();
    }

    int lanes() {
        return cluster.nodes().stream()
                .mapToInt(n -> n.stores().shards().all().stream().mapToInt(d -> d.writers().size()).sum()).sum();
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
        if (pair != null) {
            pair.close();
        }
    }
}
