package dev.parley.loadgen;

import io.vertx.core.Context;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Drives sends at a total rate, split over the event loops in proportion to their sending devices. */
final class Traffic {
    private final GeneratorClients clients;
    private final List<LoadLoop> loops = new ArrayList<>();
    private final List<Integer> weights = new ArrayList<>();
    private final int total;

    Traffic(GeneratorClients clients, List<Device> senders) {
        this.clients = clients;
        int sum = 0;
        for (Context c : clients.contexts) {
            List<Device> mine = new ArrayList<>();
            for (Device d : senders) {
                if (d.context == c) {
                    mine.add(d);
                }
            }
            if (!mine.isEmpty()) {
                loops.add(new LoadLoop(c, mine));
                weights.add(mine.size());
                sum += mine.size();
            }
        }
        this.total = sum;
    }

    /** Sends at {@code rate} per second for {@code duration}, returning when that time is over. */
    void run(double rate, Duration duration) {
        long end = System.nanoTime() + duration.toNanos();
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        for (int i = 0; i < loops.size(); i++) {
            fs.add(loops.get(i).run(rate * weights.get(i) / total, end));
        }
        CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).join();
    }

    /** Sends exactly {@code count} messages (a device that is offline skips its turn) at {@code rate} per second. */
    void runCount(double rate, long count) {
        long end = Long.MAX_VALUE;
        List<CompletableFuture<Void>> fs = new ArrayList<>();
        long given = 0;
        for (int i = 0; i < loops.size(); i++) {
            long share = i == loops.size() - 1 ? count - given : count * weights.get(i) / total;
            given += share;
            fs.add(loops.get(i).run(rate * weights.get(i) / total, end, share));
        }
        CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).join();
    }

    /** How far behind its schedule the most lagging loop fell, in nanoseconds. */
    long maxLagNanos() {
        long m = 0;
        for (LoadLoop l : loops) {
            m = Math.max(m, l.maxLagNanos());
        }
        return m;
    }

    void resetLag() {
        loops.forEach(LoadLoop::resetLag);
    }

    /** Sends skipped because their device was not connected. */
    long skipped() {
        long s = 0;
        for (LoadLoop l : loops) {
            s += l.skipped();
        }
        return s;
    }

    /**
     * Waits until no send is unanswered, every confirmed send has reached the other member
     * devices as far as the generator can tell, and deliveries have stopped arriving for
     * {@code quiet}, or until {@code timeout}; returns whether everything settled. Quiet alone is
     * not enough: on a starved machine a delivery can follow its confirmation by more than the
     * quiet period.
     */
    static boolean drain(GeneratorClients clients, Duration quiet, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long lastDelivered = -1;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long delivered = clients.stats.delivered.sum();
            if (delivered != lastDelivered) {
                lastDelivered = delivered;
                stableSince = System.nanoTime();
            }
            // inflight() waits for every generator loop, which under load takes longer than the
            // quiet period: deliveries counted meanwhile must not pass for quiet.
            if (clients.inflight() == 0 && clients.stats.delivered.sum() == lastDelivered
                    && lastDelivered >= clients.stats.expectedDeliveries.sum()
                    && System.nanoTime() - stableSince >= quiet.toNanos()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }
}
