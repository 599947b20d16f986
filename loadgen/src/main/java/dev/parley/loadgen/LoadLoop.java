package dev.parley.loadgen;

import io.vertx.core.Context;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends at a fixed rate from the devices of one event loop, open-loop: the number of sends due
 * is computed from the time elapsed since the rate was set, not from answers received, so a slow
 * node is not given a breather (no coordinated omission). A 1 ms timer does the sending; devices
 * take turns, each sending to its conversations in turn.
 *
 * <p>When the loop falls behind its schedule it catches up in bursts of at most {@link #maxBurst}
 * per tick, and {@link #maxLagNanos} says how far behind it fell: a large value means the
 * generator, not the node, limited the run.
 */
final class LoadLoop {
    private final Context context;
    private final List<Device> senders;
    private double ratePerSecond;
    private long startNanos;
    private long endNanos;
    private long issued;
    private long limit = Long.MAX_VALUE;
    private int cursor;
    private long timer = -1;
    private long maxBurst;
    private volatile long maxLagNanos;
    private volatile long skipped;
    private CompletableFuture<Void> finished;

    LoadLoop(Context context, List<Device> senders) {
        this.context = context;
        this.senders = senders;
    }

    /** Sends at {@code rate} per second from now until {@code endNanos}; the future completes then. */
    CompletableFuture<Void> run(double rate, long endNanos) {
        return run(rate, endNanos, Long.MAX_VALUE);
    }

    /**
     * Sends at {@code rate} per second from now until {@code endNanos} or until {@code count} sends
     * were due, whichever comes first; the future completes then.
     */
    CompletableFuture<Void> run(double rate, long endNanos, long count) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        context.runOnContext(v -> {
            if (finished != null && !finished.isDone()) {
                finished.complete(null);
            }
            finished = done;
            this.ratePerSecond = rate;
            this.startNanos = System.nanoTime();
            this.endNanos = endNanos;
            this.issued = 0;
            this.limit = count;
            // At most 100 ms worth per tick: a loop starved of CPU for a while catches up quickly
            // without flooding the node with one huge burst.
            this.maxBurst = Math.max(4, (long) (rate / 10));
            if (rate <= 0 || senders.isEmpty() || count <= 0) {
                done.complete(null);
                return;
            }
            if (timer < 0) {
                timer = context.owner().setPeriodic(1, t -> tick());
            }
        });
        return done;
    }

    private void tick() {
        long now = System.nanoTime();
        long until = Math.min(now, endNanos);
        long due = Math.min(limit, (long) ((until - startNanos) * ratePerSecond / 1e9)) - issued;
        if (due > 0) {
            long firstDueAt = startNanos + (long) (issued * 1e9 / ratePerSecond);
            long lag = now - firstDueAt;
            if (lag > maxLagNanos) {
                maxLagNanos = lag;
            }
            long n = Math.min(due, maxBurst);
            int misses = 0;
            for (long i = 0; i < n; i++) {
                Device d = senders.get(cursor);
                cursor = cursor + 1 == senders.size() ? 0 : cursor + 1;
                if (!d.send(now)) {
                    // Not connected (a resuming device between connections): that send is skipped.
                    skipped++;
                    if (++misses > senders.size()) {
                        issued += n - i;
                        break;
                    }
                }
                issued++;
            }
        }
        if (now >= endNanos || issued >= limit) {
            context.owner().cancelTimer(timer);
            timer = -1;
            finished.complete(null);
        }
    }

    long maxLagNanos() {
        return maxLagNanos;
    }

    long skipped() {
        return skipped;
    }

    void resetLag() {
        maxLagNanos = 0;
    }
}
