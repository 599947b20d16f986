package dev.parley.cluster;

import dev.parley.core.account.ConnectedDevices;
import dev.parley.core.delivery.EventPublisher;
import dev.parley.core.presence.PresenceFeed;
import dev.parley.core.push.DeviceLiveness;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * One node's membership of a cluster on Redis: its connections to Redis, its heartbeat, the
 * reaping of nodes that died, and the subscriptions that bring other nodes' events here.
 *
 * <p>Every node renews {@code alive:<node>} (a key that expires after {@code nodeTtl}) and keeps
 * looking at the other nodes' keys; the first node to see one gone reaps it: the dead node's
 * users leave presence (and go offline if they were online nowhere else), and its routes and
 * device records are removed. So a node that dies takes its users offline within about
 * {@code nodeTtl} plus one check interval, and leaves nobody "online" forever.
 *
 * @implNote Publish/subscribe is at-most-once: a message is lost if the receiving node's
 *     subscription is down when it is published. Entries lost that way are recovered from the
 *     database by the receiving connections (sequence gaps and a periodic tail check); presence
 *     and typing are best effort.
 */
public final class RedisCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisCluster.class);

    private final Vertx vertx;
    private final int node;
    private final Keys keys;
    private final Duration nodeTtl;
    private final Redis redis;
    private final Subscriber subscriber;
    private final RedisRoutes routes;
    private final RedisPresence presence;
    private final RedisDeviceLiveness devices;
    private RedisEventPublisher publisher;
    private ClusterControl control;
    private long heartbeatTimer = -1;
    private volatile boolean closed;
    /** One connection for everything whose order matters (routes, presence, events). */
    private Future<RedisConnection> ordered;

    public RedisCluster(Vertx vertx, String uri, String namespace, int node, Duration nodeTtl) {
        this.vertx = vertx;
        this.node = node;
        this.keys = new Keys(namespace);
        this.nodeTtl = nodeTtl;
        this.redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(uri).setMaxPoolSize(8)
                .setMaxPoolWaiting(10_000));
        this.subscriber = new Subscriber(vertx, uri, keys, node, this::onMessage);
        this.routes = new RedisRoutes(this, keys, node);
        this.presence = new RedisPresence(this, keys, node);
        this.devices = new RedisDeviceLiveness(this, keys, node);
    }

    /** Connects, cleans up after this node's previous life, subscribes, and starts heartbeats. */
    public void start() throws Exception {
        await(send(Request.cmd(Command.PING)));
        // A node restarted after a crash: its routes, presence and devices from before are stale.
        await(reap(node).recover(e -> Future.succeededFuture()));
        heartbeat();
        subscriber.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        heartbeatTimer = vertx.setPeriodic(Math.max(100, nodeTtl.toMillis() / 4), t -> {
            heartbeat();
            devices.rewriteUnwritten();
            reapDeadNodes();
        });
        log.info("joined the cluster as node {} (redis namespace {}, node ttl {})", node, keys.namespace(), nodeTtl);
    }

    public int node() {
        return node;
    }

    /** Routes events for users elsewhere to their nodes; delivers the rest through {@code local}. */
    public synchronized EventPublisher publisher(EventPublisher local) {
        publisher = new RedisEventPublisher(this, keys, node, local);
        return publisher;
    }

    public RedisRoutes routes() {
        return routes;
    }

    /** This node's presence changes in, cluster-wide changes out to {@code watchers}. */
    public RedisPresence presence(PresenceFeed watchers) {
        presence.deliverTo(watchers);
        return presence;
    }

    /**
     * Which devices are connected anywhere in the cluster; {@code local} answers for this node's
     * own connections. Tell it this node's devices ({@link dev.parley.core.push.NodeDevices}).
     */
    public RedisDeviceLiveness devices(DeviceLiveness local) {
        devices.alsoLocal(local);
        return devices;
    }

    /** Disconnects devices on every node; {@code local} closes this node's sockets. */
    public synchronized ClusterControl control(ConnectedDevices local, BiConsumer<Long, Long> membershipChanged) {
        control = new ClusterControl(this, keys, local, membershipChanged);
        return control;
    }

    /**
     * Runs after the subscription to the other nodes was lost and is back: events published
     * meanwhile never arrived, so whoever holds state derived from them must re-read it.
     */
    public void onResubscribed(Runnable action) {
        subscriber.onResubscribed(action);
    }

    /** Drops a share of the events this node hands to others, to show they are recovered. For tests. */
    public void dropEventsForTesting(double share) {
        publisher.dropForTesting(share);
    }

    Future<Response> send(Request request) {
        return redis.send(request);
    }

    /**
     * Runs a script on the ordered connection: scripts sent from this node run in the order they
     * were sent (a user's route removal never overtakes their next arrival, entries of a
     * conversation are published in order).
     */
    synchronized Future<Response> eval(String script, Object... args) {
        Request r = evalRequest(script, args);
        if (ordered == null || ordered.failed()) {
            ordered = redis.connect().onSuccess(c -> c.exceptionHandler(e -> dropOrdered(c)).endHandler(v -> dropOrdered(c)));
        }
        return ordered.compose(c -> c.send(r));
    }

    /** Runs a script on any pooled connection: for reads, which need no order with the writes. */
    Future<Response> evalAnyOrder(String script, Object... args) {
        return redis.send(evalRequest(script, args));
    }

    private static Request evalRequest(String script, Object... args) {
        Request r = Request.cmd(Command.EVAL).arg(script).arg(0);
        for (Object a : args) {
            if (a instanceof byte[] b) {
                r.arg(Buffer.buffer(b));
            } else {
                r.arg(String.valueOf(a));
            }
        }
        return r;
    }

    private synchronized void dropOrdered(RedisConnection c) {
        if (ordered != null && ordered.succeeded() && ordered.result() == c) {
            if (!closed) {
                log.warn("ordered redis connection lost; the next command reconnects");
            }
            ordered = null;
        }
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    static <T> CompletableFuture<T> completable(Future<T> f) {
        return f.toCompletionStage().toCompletableFuture();
    }

    private void heartbeat() {
        send(Request.cmd(Command.SET).arg(keys.alive(node)).arg("1").arg("PX").arg(nodeTtl.toMillis()))
                .onFailure(e -> log.warn("heartbeat to redis failed: {}", e.toString()));
        send(Request.cmd(Command.SADD).arg(keys.nodes()).arg(node));
    }

    private void reapDeadNodes() {
        if (closed) {
            return;
        }
        send(Request.cmd(Command.SMEMBERS).arg(keys.nodes())).onSuccess(nodes -> {
            for (Response n : nodes) {
                int other = n.toInteger();
                if (other == node) {
                    continue;
                }
                send(Request.cmd(Command.EXISTS).arg(keys.alive(other))).onSuccess(alive -> {
                    if (alive.toInteger() == 0) {
                        send(Request.cmd(Command.SET).arg(keys.reaping(other)).arg(node).arg("NX").arg("PX")
                                .arg(nodeTtl.toMillis())).onSuccess(won -> {
                                    if (won != null) {
                                        log.info("node {} stopped heartbeating; taking its users offline", other);
                                        reap(other).onFailure(e -> log.warn("reaping node {} failed: {}", other,
                                                e.toString()));
                                    }
                                });
                    }
                });
            }
        });
    }

    /**
     * Removes a (dead, or this restarting) node's routes, presence and device records, publishing
     * who went offline. Asynchronous: it may be called from an event loop, which must never wait
     * on Redis.
     */
    private Future<Response> reap(int dead) {
        return eval(RedisScripts.REAP, keys.namespace(), dead, System.currentTimeMillis()).onSuccess(offline -> {
            if (offline != null && offline.size() > 0) {
                log.info("reaped node {}: {} users went offline", dead, offline.size());
            }
        });
    }

    private void onMessage(String channel, byte[] payload) {
        if (channel.equals(keys.nodeChannel(node))) {
            RedisEventPublisher p = publisher;
            if (p != null) {
                p.received(payload);
            }
        } else {
            String text = new String(payload, StandardCharsets.UTF_8);
            switch (text.charAt(0)) {
                case 'P' -> presence.received(text);
                default -> {
                    ClusterControl c = control;
                    if (c != null) {
                        c.received(text);
                    }
                }
            }
        }
    }

    /**
     * Leaves as a crashed node would: no reaping, no goodbye, the heartbeat key left to expire.
     * For tests of node failure.
     */
    public void abandonForTesting() {
        closed = true;
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
        subscriber.close();
        redis.close();
    }

    @Override
    public void close() {
        closed = true;
        if (heartbeatTimer >= 0) {
            vertx.cancelTimer(heartbeatTimer);
        }
        try {
            // Leave cleanly: others see our users go now rather than when the heartbeat expires.
            await(reap(node));
            await(send(Request.cmd(Command.DEL).arg(keys.alive(node))));
        } catch (Exception e) {
            log.debug("leaving the cluster: {}", e.toString());
        }
        subscriber.close();
        synchronized (this) {
            if (ordered != null && ordered.succeeded()) {
                ordered.result().close();
            }
        }
        redis.close();
    }

    /** The dedicated subscription connection, reconnected whenever it drops. */
    static final class Subscriber {
        private final Vertx vertx;
        private final String uri;
        private final Keys keys;
        private final int node;
        private final BiConsumer<String, byte[]> handler;
        private Redis client;
        private volatile boolean stopped;
        private boolean reconnecting;
        private volatile Runnable resubscribed = () -> { };
        private boolean subscribedBefore;

        void onResubscribed(Runnable action) {
            this.resubscribed = action;
        }

        Subscriber(Vertx vertx, String uri, Keys keys, int node, BiConsumer<String, byte[]> handler) {
            this.vertx = vertx;
            this.uri = uri;
            this.keys = keys;
            this.node = node;
            this.handler = handler;
        }

        Future<Void> start() {
            client = Redis.createClient(vertx, new RedisOptions().setConnectionString(uri));
            return client.connect().compose(conn -> {
                conn.handler(this::push);
                conn.exceptionHandler(e -> reconnect());
                conn.endHandler(v -> reconnect());
                return conn.send(Request.cmd(Command.SUBSCRIBE).arg(keys.nodeChannel(node)).arg(keys.broadcast()))
                        .<Void>mapEmpty()
                        .onSuccess(v -> {
                            synchronized (this) {
                                if (subscribedBefore) {
                                    resubscribed.run();
                                }
                                subscribedBefore = true;
                            }
                        });
            });
        }

        private void push(Response r) {
            // RESP2 delivers ["message", channel, payload]; RESP3 the same as a push.
            if ((r.type() == ResponseType.MULTI || r.type() == ResponseType.PUSH) && r.size() == 3
                    && "message".equals(r.get(0).toString())) {
                try {
                    handler.accept(r.get(1).toString(), r.get(2).toBytes());
                } catch (RuntimeException e) {
                    log.warn("cluster message could not be handled: {}", e.toString());
                }
            }
        }

        private synchronized void reconnect() {
            if (stopped || reconnecting) {
                return;
            }
            reconnecting = true;
            log.warn("redis subscription lost; reconnecting");
            client.close();
            vertx.setTimer(500, t -> {
                synchronized (this) {
                    reconnecting = false;
                }
                start().onFailure(e -> reconnect());
            });
        }

        void close() {
            stopped = true;
            if (client != null) {
                client.close();
            }
        }
    }
}
