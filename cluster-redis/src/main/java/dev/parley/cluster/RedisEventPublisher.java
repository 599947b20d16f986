package dev.parley.cluster;

import dev.parley.core.account.UserId;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.delivery.EventPublisher;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Publishes events to the whole cluster: this node's users through the local publisher, every
 * other user's through one atomic script that looks up which nodes hold them and publishes to
 * each such node once, with the list of its recipients.
 *
 * <p>Events from one node reach Redis through one client in the order they were published here,
 * and Redis delivers each channel's messages in order, so entries of a conversation committed on
 * one node arrive in seq order; entries committed on different nodes may interleave, and the
 * receiving connections put them in order (holding and filling gaps from the database).
 */
final class RedisEventPublisher implements EventPublisher {
    private final RedisCluster cluster;
    private final Keys keys;
    private final int node;
    private final EventPublisher local;
    private volatile double dropShare;

    RedisEventPublisher(RedisCluster cluster, Keys keys, int node, EventPublisher local) {
        this.cluster = cluster;
        this.keys = keys;
        this.node = node;
        this.local = local;
    }

    @Override
    public void publish(ChatEvent event, Collection<UserId> audience) {
        local.publish(event, audience);
        if (audience.isEmpty() || (dropShare > 0 && ThreadLocalRandom.current().nextDouble() < dropShare)) {
            return;
        }
        Object[] args = RedisScripts.args(audience.stream().map(UserId::value).toList(), keys.namespace(), node,
                EventCodec.encode(event));
        // Lost, the event is recovered from the database by its receivers once this node's link
        // is back (a recovery makes every node check its connected users' conversations).
        cluster.eval(RedisScripts.ROUTE_AND_PUBLISH, args).onFailure(e -> cluster.lostWrite("an event", e));
    }

    /** A message from another node: its recipients on this node, then the event. */
    void received(byte[] payload) {
        int nl = 0;
        while (payload[nl] != '\n') {
            nl++;
        }
        List<UserId> users = new ArrayList<>();
        for (String id : new String(payload, 0, nl, StandardCharsets.US_ASCII).split(",")) {
            users.add(new UserId(Long.parseLong(id)));
        }
        local.publish(EventCodec.decode(payload, nl + 1, payload.length - nl - 1), users);
    }

    void dropForTesting(double share) {
        this.dropShare = share;
    }
}
