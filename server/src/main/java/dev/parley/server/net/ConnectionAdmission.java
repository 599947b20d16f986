package dev.parley.server.net;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.net.impl.ConnectionBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP server's connection handler: decides at accept whether a connection may stay, and
 * gives each one its timeouts for slow clients ({@link HttpConnectionTimeouts}).
 *
 * <p>With {@code maxPerAddress} above 0, a source address may hold at most that many connections
 * (HTTP and WebSocket, which starts as HTTP) open at once, counted from accept to close; the
 * next one is closed at once. Behind a proxy or load balancer every connection comes from the
 * proxy's address, so there the cap is 0 (off) or above what the proxy will ever open, and the
 * proxy limits each client. Shared by every event loop.
 *
 * @implNote Vert.x offers no public way into a connection's Netty pipeline; this and
 *     {@code ChatSocketEndpoint.serve} (which puts the node's WebSocket handshake after these
 *     handlers) are the places the node reaches its connection class ({@link ConnectionBase}) for that.
 */
public final class ConnectionAdmission {
    private static final Logger log = LoggerFactory.getLogger(ConnectionAdmission.class);
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final int maxPerAddress;
    private final long headNanos;
    private final long idleNanos;
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
    private final Counter refused;
    private final Counter headTimeouts;
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    public ConnectionAdmission(int maxPerAddress, Duration requestHeaderTimeout, Duration idleTimeout,
                               MeterRegistry metrics) {
        this.maxPerAddress = maxPerAddress;
        this.headNanos = requestHeaderTimeout.toNanos();
        this.idleNanos = idleTimeout.toNanos();
        this.refused = Counter.builder("parley.connections.refused")
                .description("Connections closed at accept: their address had limits.maxConnectionsPerAddress open")
                .register(metrics);
        this.headTimeouts = Counter.builder("parley.http.request.head.timeouts")
                .description("HTTP connections closed because a request head took longer than timing.requestHeaderTimeout")
                .register(metrics);
    }

    /**
     * Runs on the new connection's event loop as soon as it is accepted; false when the
     * connection was refused (and is being closed).
     */
    public boolean admit(HttpConnection connection) {
        ChannelHandlerContext vertx = ((ConnectionBase) connection).channelHandlerContext();
        Channel channel = vertx.channel();
        if (maxPerAddress > 0 && !takeSlot(connection.remoteAddress(), channel)) {
            channel.close();
            return false;
        }
        vertx.pipeline().addBefore(vertx.name(), "parley-http-timeouts",
                new HttpConnectionTimeouts(headNanos, idleNanos, headTimeouts::increment));
        return true;
    }

    /** Counts the connection against its address until it closes; false when the address is at its cap. */
    private boolean takeSlot(SocketAddress remote, Channel channel) {
        String address = remote == null || remote.hostAddress() == null ? "unknown" : remote.hostAddress();
        int now = open.merge(address, 1, Integer::sum);
        channel.closeFuture().addListener(f -> open.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1));
        if (now <= maxPerAddress) {
            return true;
        }
        refused.increment();
        refusedSinceLog.incrementAndGet();
        long last = lastLogNanos.get();
        long t = System.nanoTime();
        if (t - last >= LOG_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, t)) {
            log.warn("refused {} connections since the last report, the latest from {}, which has {} open"
                    + " (limits.maxConnectionsPerAddress={})", refusedSinceLog.getAndSet(0), address, now - 1,
                    maxPerAddress);
        }
        return false;
    }
}
