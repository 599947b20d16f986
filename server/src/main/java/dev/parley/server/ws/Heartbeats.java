package dev.parley.server.ws;

import dev.parley.server.metrics.NodeMetrics;
import io.vertx.core.Vertx;

/**
 * Keeps every connection's liveness in check with one timer for the whole node: every half
 * heartbeat interval each connection is pinged, and one that has been silent (no frame, no pong)
 * for a whole interval is closed. A live client answers a ping within half an interval, so a
 * half-open connection is closed within one and a half intervals of its last sign of life.
 */
public final class Heartbeats {
    private final Vertx vertx;
    private final LocalConnections connections;
    private final long intervalMs;
    private final NodeMetrics metrics;
    private long timer = -1;

    public Heartbeats(Vertx vertx, LocalConnections connections, long intervalMs, NodeMetrics metrics) {
        this.vertx = vertx;
        this.connections = connections;
        this.intervalMs = intervalMs;
        this.metrics = metrics;
    }

    public void start() {
        long silenceNanos = intervalMs * 1_000_000L;
        timer = vertx.setPeriodic(Math.max(50, intervalMs / 2), t -> {
            long now = System.nanoTime();
            long total = 0;
            long max = 0;
            for (ChatConnection c : connections.all()) {
                long queued = c.outboundQueuedBytes();
                total += queued;
                max = Math.max(max, queued);
                c.postTask(() -> c.heartbeat(now, silenceNanos));
            }
            metrics.outboundSample(total, max);
        });
    }

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }
}
