package dev.parley.cluster;

import dev.parley.core.account.ConnectedDevices;
import dev.parley.core.delivery.EventPublisher;
import dev.parley.core.presence.PresenceFeed;
import dev.parley.core.push.DeviceLiveness;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
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
 * <p>The link heals itself. A lost connection is reconnected with backoff; while the link does
 * not work ({@link #linkProblem}) the node should take no new clients. The node keeps its own copy
 * of its routes, device records and presence, and writes them again whole when Redis may have
 * lost part of them: a write failed, the subscription was lost, or a heartbeat found the node's
 * {@code alive} key gone (Redis restarted empty or was flushed, or the node was reaped after
 * missing heartbeats). After such a rewrite it tells every node (itself included) to check its
 * connected users' conversations against the database ({@link #onRecovered}), since events
 * published while the link was down never arrived.
 *
 * @implNote Publish/subscribe is at-most-once: a message is lost if the receiving node's
 *     subscription is down when it is published. Entries lost that way are recovered from the
 *     database by the receiving connections (sequence gaps, a periodic tail check, and the check
 *     after a recovery); presence and typing are best effort.
 */
public final class RedisCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RedisCluster.class);
    private static final Exception LINK_DOWN = new VertxException("redis connection lost; reconnecting", true);

    private final Vertx vertx;
    private final String uri;
    private final int node;
    private final Keys keys;
    private final Duration nodeTtl;
    private volatile Redis redis;
    private final Subscription subscriber;
    private final RedisRoutes routes;
    private final RedisPresence presence;
    private final RedisDeviceLiveness devices;
    private final LinkHealth health;
    private RedisEventPublisher publisher;
    private ClusterControl control;
    private long heartbeatTimer = -1;
    private volatile boolean closed;
    private volatile Runnable recovered = () -> { };
    /** Null while the link works; otherwise the problem last reported, and since when. */
    private String reported;
    private long downSince;
    private boolean replacedWhileDown;
    /** One connection for everything whose order matters (routes, presence, events). */
    private Future<RedisConnection> ordered;
    private final ReconnectDelay orderedDelay = new ReconnectDelay();
    private long nextOrderedAttempt;

    public RedisCluster(Vertx vertx, String uri, String namespace, int node, Duration nodeTtl) {
        this.vertx = vertx;
        this.uri = uri;
        this.node = node;
        this.keys = new Keys(namespace);
        this.nodeTtl = nodeTtl;
        this.redis = pool();
        this.health = new LinkHealth(nodeTtl.toNanos());
        this.subscriber = new Subscription(vertx, uri, keys, node, this::onMessage, this::subscriptionChanged);
        this.routes = new RedisRoutes(this, keys, node);
        this.presence = new RedisPresence(this, keys, node);
        this.devices = new RedisDeviceLiveness(this, keys, node);
    }

    private Redis pool() {
        return Redis.createClient(vertx, new RedisOptions().setConnectionString(uri).setMaxPoolSize(8)
                .setMaxPoolWaiting(10_000));
    }

    /** Connects, cleans up after this node's previous life, subscribes, and starts heartbeats. */
    public void start() throws Exception {
        await(send(Request.cmd(Command.PING)));
        // A node restarted after a crash: its routes, presence and devices from before are stale.
        await(reap(node, true).recover(e -> Future.succeededFuture()));
        subscriber.start().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        // The first heartbeat finds no key of this node's: nothing to write again yet.
        long sentAt = System.nanoTime();
        long ping = health.heartbeatSent(sentAt);
        await(evalAnyOrder(RedisScripts.HEARTBEAT, keys.namespace(), node, nodeTtl.toMillis(), ping));
        health.heartbeatAnswered(sentAt, System.nanoTime());
        heartbeatTimer = vertx.setPeriodic(Math.max(100, nodeTtl.toMillis() / 4), t -> tick());
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
     * Runs when this node or another may have missed events: after this node wrote its records
     * again following a loss, or when another node says it did. Whoever holds state derived from
     * events must re-read it from the database.
     */
    public void onRecovered(Runnable action) {
        this.recovered = action;
    }

    /** Null while this node's link to Redis works; otherwise what is wrong (for readiness). */
    public String linkProblem() {
        return closed ? "left the cluster" : health.problem(System.nanoTime());
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
     * conversation are published in order). While the connection is lost, scripts fail at once
     * and a new connection is tried after a backoff; what they would have written is written
     * again once the link is back.
     */
    synchronized Future<Response> eval(String script, Object... args) {
        Request r = evalRequest(script, args);
        Future<RedisConnection> conn = orderedConnection();
        return conn.compose(c -> c.send(r)).onFailure(e -> {
            // An error reply leaves the connection usable; anything else (notably "Connection is
            // closed", which a connection that ended before its handlers were set keeps answering
            // without ever telling them) means it is gone.
            if (!(e instanceof Response reply && reply.type() == ResponseType.ERROR)) {
                dropOrdered(conn);
            }
        });
    }

    private Future<RedisConnection> orderedConnection() {
        if (ordered != null) {
            return ordered;
        }
        long now = System.nanoTime();
        if (now - nextOrderedAttempt < 0) {
            return Future.failedFuture(LINK_DOWN);
        }
        Future<RedisConnection> f = redis.connect();
        ordered = f;
        f.onSuccess(c -> {
            c.exceptionHandler(e -> dropOrdered(f));
            c.endHandler(v -> dropOrdered(f));
            synchronized (this) {
                orderedDelay.reset();
            }
        }).onFailure(e -> dropOrdered(f));
        return f;
    }

    private synchronized void dropOrdered(Future<RedisConnection> f) {
        if (ordered != f) {
            return;
        }
        ordered = null;
        nextOrderedAttempt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(orderedDelay.next());
        if (f.succeeded()) {
            f.result().close();
            if (!closed) {
                log.debug("ordered redis connection lost; reconnecting after a backoff");
            }
        }
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

    /**
     * A registration (route, device record, presence) or an event did not reach Redis: write this
     * node's records again once the link works, and have every node check what it may have missed.
     */
    void lostWrite(String what, Throwable cause) {
        if (health.wantRewrite() && !closed && health.problem(System.nanoTime()) == null) {
            log.warn("redis did not take {} ({}); writing this node's records again", what, cause.toString());
        } else {
            log.debug("redis did not take {}: {}", what, cause.toString());
        }
    }

    static <T> T await(Future<T> f) throws Exception {
        return f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    static <T> CompletableFuture<T> completable(Future<T> f) {
        return f.toCompletionStage().toCompletableFuture();
    }

    private void tick() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        if (health.stuck(now)) {
            reconnectEverything();
        } else if (!health.heartbeatWaiting()) {
            heartbeat(now);
        }
        if (health.problem(now) == null) {
            reapDeadNodes();
        }
        rewriteIfDue();
        report(now);
    }

    private void heartbeat(long sentAt) {
        long ping = health.heartbeatSent(sentAt);
        evalAnyOrder(RedisScripts.HEARTBEAT, keys.namespace(), node, nodeTtl.toMillis(), ping).onComplete(ar -> {
            if (ar.failed()) {
                health.heartbeatFailed(sentAt);
                health.wantRewrite();
                log.debug("heartbeat to redis failed: {}", ar.cause().toString());
            } else {
                health.heartbeatAnswered(sentAt, System.nanoTime());
                synchronized (this) {
                    // Redis answers: the ordered connection need not wait out its backoff.
                    nextOrderedAttempt = System.nanoTime();
                }
                if (ar.result() != null && ar.result().toInteger() == 0 && !closed) {
                    health.wantRewrite();
                    log.warn("redis no longer held this node's heartbeat key (redis restarted empty or was flushed, or"
                            + " this node was reaped after missing heartbeats); writing its records again");
                }
                rewriteIfDue();
            }
            report(System.nanoTime());
        });
    }

    /** Writes this node's device records, routes and presence again, then has everyone check. */
    private void rewriteIfDue() {
        long generation = health.startRewrite();
        if (generation < 0 || closed) {
            return;
        }
        // Devices before routes: a user's device record is in place before the route (see
        // RedisDeviceLiveness). Each rewrite is queued under its registry's lock, so a later
        // arrival or departure is applied after it.
        Future<?> d = devices.rewrite();
        Future<?> r = routes.rewrite();
        Future<?> p = presence.rewrite();
        Future.all(d, r, p).onComplete(ar -> {
            health.rewriteFinished(generation, ar.succeeded());
            if (ar.failed()) {
                log.debug("writing this node's records to redis again failed: {}", ar.cause().toString());
                return;
            }
            log.info("wrote this node's records to redis again: {} users routed here, {} devices, {} online",
                    ((Response) r.result()).toInteger(), ((Response) d.result()).toInteger(),
                    ((Response) p.result()).toInteger());
            // Events published while the link was down never arrived, here or (from here) elsewhere.
            send(Request.cmd(Command.PUBLISH).arg(keys.broadcast()).arg("R|" + node));
            recovered.run();
            report(System.nanoTime());
        });
    }

    /** Logs each change of the link's state once. */
    private synchronized void report(long now) {
        String problem = health.problem(now);
        if (problem != null && reported == null && !closed) {
            downSince = now;
            log.warn("redis link down ({}); not ready until it is back", problem);
        } else if (problem == null && reported != null) {
            log.info("redis link back after {} ms", TimeUnit.NANOSECONDS.toMillis(now - downSince));
            replacedWhileDown = false;
        }
        reported = problem;
    }

    /** Connections that no longer answer (a half-open TCP connection, say) are replaced. */
    private void reconnectEverything() {
        synchronized (this) {
            if (replacedWhileDown) {
                log.debug("redis still does not answer; opening new connections");
            } else {
                log.warn("redis does not answer on this node's connections; opening new ones");
            }
            replacedWhileDown = true;
        }
        Redis old = redis;
        redis = pool();
        old.close();
        synchronized (this) {
            if (ordered != null) {
                dropOrdered(ordered);
            }
        }
        subscriber.restart();
        // The heartbeat stuck on the old pool is abandoned; the next tick sends a new one.
        health.heartbeatAbandoned();
    }

    private void subscriptionChanged(boolean up) {
        if (!up && !closed) {
            // Events published from now until it is back never arrive: asked for at the loss, so
            // that the rewrite once the link is back also covers what the heartbeat then finds.
            health.wantRewrite();
        }
        health.subscribed(up);
        rewriteIfDue();
        report(System.nanoTime());
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
                                        reap(other, false).onFailure(e -> log.warn("reaping node {} failed: {}", other,
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
     * on Redis. Unless {@code force}d, a node that heartbeats again is left alone.
     */
    private Future<Response> reap(int dead, boolean force) {
        return eval(RedisScripts.REAP, keys.namespace(), dead, System.currentTimeMillis(), force ? 1 : 0)
                .onSuccess(offline -> {
                    if (offline != null && offline.size() > 0) {
                        log.info("reaped node {}: {} users went offline", dead, offline.size());
                    }
                });
    }

    private void onMessage(String channel, byte[] payload) {
        if (channel.equals(keys.nodeChannel(node))) {
            if (payload.length > 0 && payload[0] == '#') {
                health.pingSeen(Long.parseLong(new String(payload, 1, payload.length - 1, StandardCharsets.US_ASCII)));
                return;
            }
            RedisEventPublisher p = publisher;
            if (p != null) {
                p.received(payload);
            }
        } else {
            String text = new String(payload, StandardCharsets.UTF_8);
            switch (text.charAt(0)) {
                case 'P' -> presence.received(text);
                case 'R' -> {
                    if (Integer.parseInt(text.substring(2)) != node) {
                        recovered.run();
                    }
                }
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
            await(reap(node, true));
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
}
