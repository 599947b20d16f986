package dev.parley.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.BiConsumer;

/**
 * The node's dedicated subscription connection (its own channel and the broadcast channel),
 * reconnected with backoff whenever it drops; it tells a {@link Listener} when it goes and comes
 * back.
 */
final class Subscription {
    private static final Logger log = LoggerFactory.getLogger(Subscription.class);

    /** What the subscription tells the cluster: it is up, or lost. */
    @FunctionalInterface
    interface Listener {
        void changed(boolean up);
    }

    private final Vertx vertx;
    private final String uri;
    private final Keys keys;
    private final int node;
    private final BiConsumer<String, byte[]> handler;
    private final Listener listener;
    private final ReconnectDelay delay = new ReconnectDelay();
    /** The client of the current attempt; callbacks of older ones are ignored. Guarded by this. */
    private Redis client;
    private boolean waiting;
    private boolean subscribedBefore;
    private volatile boolean stopped;

    Subscription(Vertx vertx, String uri, Keys keys, int node, BiConsumer<String, byte[]> handler,
                 Listener listener) {
        this.vertx = vertx;
        this.uri = uri;
        this.keys = keys;
        this.node = node;
        this.handler = handler;
        this.listener = listener;
    }

    Future<Void> start() {
        Redis c;
        synchronized (this) {
            c = Redis.createClient(vertx, new RedisOptions().setConnectionString(uri));
            client = c;
        }
        return c.connect().compose(conn -> {
            conn.handler(this::push);
            conn.exceptionHandler(e -> lost(c, e.toString()));
            conn.endHandler(v -> lost(c, "connection closed"));
            return conn.send(Request.cmd(Command.SUBSCRIBE).arg(keys.nodeChannel(node)).arg(keys.broadcast()))
                    .<Void>mapEmpty();
        }).onSuccess(v -> subscribed(c)).onFailure(e -> lost(c, e.toString()));
    }

    private void subscribed(Redis c) {
        boolean again;
        synchronized (this) {
            if (c != client || stopped) {
                return;
            }
            delay.reset();
            again = subscribedBefore;
            subscribedBefore = true;
        }
        if (again) {
            log.info("redis subscription back");
        }
        listener.changed(true);
    }

    private void lost(Redis c, String why) {
        long wait;
        synchronized (this) {
            if (stopped || c != client || waiting) {
                return;
            }
            waiting = true;
            wait = delay.next();
        }
        c.close();
        log.debug("redis subscription lost ({}); reconnecting in {} ms", why, wait);
        listener.changed(false);
        vertx.setTimer(wait, t -> {
            synchronized (this) {
                waiting = false;
            }
            if (!stopped) {
                start();
            }
        });
    }

    /** Drops the current connection (it no longer answers) and reconnects. */
    void restart() {
        Redis c;
        synchronized (this) {
            c = client;
        }
        lost(c, "not answering");
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

    void close() {
        Redis c;
        synchronized (this) {
            stopped = true;
            c = client;
        }
        if (c != null) {
            c.close();
        }
    }
}
