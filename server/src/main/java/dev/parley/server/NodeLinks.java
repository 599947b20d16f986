package dev.parley.server;

import dev.parley.cluster.ClusterControl;
import dev.parley.cluster.RedisCluster;
import dev.parley.cluster.RedisDeviceLiveness;
import dev.parley.cluster.RedisPresence;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.ConnectedDevices;
import dev.parley.core.block.BlockDirectory;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.MembershipDirectory;
import dev.parley.core.delivery.EventPublisher;
import dev.parley.core.delivery.SharedRoutes;
import dev.parley.core.presence.PresenceDirectory;
import dev.parley.core.presence.PresenceFeed;
import dev.parley.core.push.DeviceLiveness;
import dev.parley.server.pull.PullWaiters;
import dev.parley.server.ws.LocalConnections;
import dev.parley.server.ws.LocalEventPublisher;
import dev.parley.server.ws.PresenceWatchers;
import dev.parley.server.ws.RecoveryCheck;
import dev.parley.server.ws.TailCheck;
import io.vertx.core.Vertx;

/**
 * How a node reaches the others: on a single node, nothing (events go to local connections,
 * presence and device liveness are local); in a cluster, Redis routes events, presence,
 * disconnects and membership changes between nodes and knows which node holds which device, a
 * periodic tail check recovers entries lost on the way, and after the link to Redis was lost
 * (here or on another node) a {@link RecoveryCheck} re-reads what may have been missed.
 */
public final class NodeLinks implements AutoCloseable {
    final EventPublisher publisher;
    final PresenceFeed presenceFeed;
    final PresenceDirectory presenceDirectory;
    final ConnectedDevices devices;
    final DeviceLiveness liveness;
    final TailCheck tail;
    public final RedisCluster cluster;
    /** Long polls waiting on this node, woken by the same events as its WebSockets. */
    public final PullWaiters pulls;
    /** The cluster's notices (null on a single node). */
    public final ClusterControl control;
    private long tailTimer = -1;
    private final Vertx vertx;

    private NodeLinks(EventPublisher publisher, PresenceFeed presenceFeed, PresenceDirectory presenceDirectory,
                      ConnectedDevices devices, DeviceLiveness liveness, TailCheck tail, RedisCluster cluster,
                      Vertx vertx, PullWaiters pulls, ClusterControl control) {
        this.publisher = publisher;
        this.presenceFeed = presenceFeed;
        this.presenceDirectory = presenceDirectory;
        this.devices = devices;
        this.liveness = liveness;
        this.tail = tail;
        this.cluster = cluster;
        this.vertx = vertx;
        this.pulls = pulls;
        this.control = control;
    }

    static NodeLinks open(ServerConfig config, Vertx vertx, LocalConnections connections, PresenceWatchers watchers,
                          MembershipDirectory memberships, ConversationStore conversations, AccountStore accounts,
                          BlockDirectory blocks)
            throws Exception {
        PullWaiters pulls = new PullWaiters();
        LocalEventPublisher local = new LocalEventPublisher(connections, watchers, pulls);
        DeviceLiveness localLiveness = (user, device) -> connections.isConnected(device, user);
        if (config.cluster().type() == ServerConfig.ClusterType.LOCAL) {
            return new NodeLinks(local, watchers, PresenceDirectory.SINGLE_NODE, connections, localLiveness, null, null,
                    vertx, pulls, null);
        }
        ServerConfig.Cluster c = config.cluster();
        RedisCluster cluster = new RedisCluster(vertx, c.redisUri(), c.redisNamespace(), c.nodeNumber(), c.nodeTtl());
        cluster.start();
        EventPublisher publisher = cluster.publisher(local);
        // WebSockets and long polls share the node's routes: the cluster hears of a user's first
        // listener here and of the last one leaving, whichever kind they are.
        SharedRoutes routes = new SharedRoutes(cluster.routes());
        connections.routes(routes);
        pulls.routes(routes);
        RedisDeviceLiveness liveness = cluster.devices(localLiveness);
        connections.devices(liveness);
        RedisPresence presence = cluster.presence(watchers);
        ClusterControl control = cluster.control(connections,
                (conversation, version) -> memberships.changedElsewhere(new ConversationId(conversation), version));
        memberships.onChange(control);
        blocks.onChange(control::blocksChanged);
        control.onBlocksChanged((a, b) -> blocks.changedElsewhere(a, b));
        TailCheck tail = new TailCheck(conversations, memberships, connections);
        cluster.onRecovered(new RecoveryCheck(connections, conversations, accounts, memberships)::run);
        NodeLinks links = new NodeLinks(publisher, presence, presence, control, liveness, tail, cluster, vertx, pulls,
                control);
        links.tailTimer = tail.start(vertx, 3_000);
        return links;
    }

    /** Null while this node reaches the rest of the cluster (always on a single node); else what is wrong. */
    public String linkProblem() {
        return cluster == null ? null : cluster.linkProblem();
    }

    /** Whether a device is connected to any node (this one's connections; in a cluster, every node's). */
    public DeviceLiveness liveness() {
        return liveness;
    }

    @Override
    public void close() {
        if (tailTimer >= 0) {
            vertx.cancelTimer(tailTimer);
        }
        if (cluster != null) {
            cluster.close();
        }
    }
}
