package dev.parley.cluster;

import dev.parley.core.account.UserId;
import dev.parley.core.presence.Presence;
import dev.parley.core.presence.PresenceDirectory;
import dev.parley.core.presence.PresenceFeed;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * Presence across nodes. This node's tracker reports whether a user is online here; Redis keeps
 * the set of nodes through which each user is online and publishes a change only when the
 * cluster-wide state changes (first node in, last node out), which every node then hands to its
 * local watchers.
 *
 * <p>Like {@link RedisRoutes}, the node keeps its own copy of who is online here and writes it
 * again whole ({@link #rewrite}) when Redis may have lost some of it.
 */
public final class RedisPresence implements PresenceFeed, PresenceDirectory {
    private static final Logger log = LoggerFactory.getLogger(RedisPresence.class);

    private final RedisCluster cluster;
    private final Keys keys;
    private final int node;
    private volatile PresenceFeed watchers = (u, p) -> { };
    /** Users online through this node. Guarded by this. */
    private final Set<Long> onlineHere = new HashSet<>();

    RedisPresence(RedisCluster cluster, Keys keys, int node) {
        this.cluster = cluster;
        this.keys = keys;
        this.node = node;
    }

    void deliverTo(PresenceFeed watchers) {
        this.watchers = watchers;
    }

    /** This node's view changed (first connection here, or the grace period after the last ended). */
    @Override
    public synchronized void changed(UserId user, Presence presence) {
        if (presence.online()) {
            onlineHere.add(user.value());
        } else {
            onlineHere.remove(user.value());
        }
        cluster.eval(RedisScripts.PRESENCE, keys.namespace(), node, user.value(), presence.online() ? 1 : 0,
                presence.lastSeen()).onFailure(e -> cluster.lostWrite("a presence change", e));
    }

    /** Makes the users online through this node in Redis exactly those online here. */
    synchronized Future<?> rewrite() {
        return cluster.eval(RedisScripts.SYNC_PRESENCE,
                RedisScripts.args(onlineHere, keys.namespace(), node, System.currentTimeMillis()));
    }

    @Override
    public boolean onlineElsewhere(UserId user) {
        try {
            return RedisCluster.await(cluster.send(Request.cmd(Command.SCARD).arg(keys.online(user.value()))))
                    .toInteger() > 0;
        } catch (Exception e) {
            log.debug("presence lookup in redis failed: {}", e.toString());
            return false;
        }
    }

    /** {@code P|user|online|time} from the broadcast channel. */
    void received(String notice) {
        String[] f = notice.split("\\|");
        watchers.changed(new UserId(Long.parseLong(f[1])), new Presence("1".equals(f[2]), Long.parseLong(f[3])));
    }
}
