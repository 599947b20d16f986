package dev.parley.cluster;

import dev.parley.core.account.UserId;
import dev.parley.core.presence.Presence;
import dev.parley.core.presence.PresenceDirectory;
import dev.parley.core.presence.PresenceFeed;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Presence across nodes. This node's tracker reports whether a user is online here; Redis keeps
 * the set of nodes through which each user is online and publishes a change only when the
 * cluster-wide state changes (first node in, last node out), which every node then hands to its
 * local watchers.
 */
public final class RedisPresence implements PresenceFeed, PresenceDirectory {
    private static final Logger log = LoggerFactory.getLogger(RedisPresence.class);

    private final RedisCluster cluster;
    private final Keys keys;
    private final int node;
    private volatile PresenceFeed watchers = (u, p) -> { };

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
    public void changed(UserId user, Presence presence) {
        cluster.eval(RedisScripts.PRESENCE, keys.namespace(), node, user.value(), presence.online() ? 1 : 0,
                presence.lastSeen()).onFailure(e -> log.warn("presence update to redis failed: {}", e.toString()));
    }

    @Override
    public boolean onlineElsewhere(UserId user) {
        try {
            return RedisCluster.await(cluster.send(Request.cmd(Command.SCARD).arg(keys.online(user.value()))))
                    .toInteger() > 0;
        } catch (Exception e) {
            log.warn("presence lookup in redis failed: {}", e.toString());
            return false;
        }
    }

    /** {@code P|user|online|time} from the broadcast channel. */
    void received(String notice) {
        String[] f = notice.split("\\|");
        watchers.changed(new UserId(Long.parseLong(f[1])), new Presence("1".equals(f[2]), Long.parseLong(f[3])));
    }
}
