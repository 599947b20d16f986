package dev.parley.cluster;

import dev.parley.core.account.ConnectedDevices;
import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Membership;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Notices every node must act on: close a device's (or a user's) connections wherever they are,
 * drop cached membership older than a change committed on another node, drop what is cached
 * of two users' blocks when one blocked or unblocked the other, and what is cached of a user's
 * push targets or of who muted a conversation when that changed.
 */
public final class ClusterControl implements ConnectedDevices, Consumer<Membership> {
    private final RedisCluster cluster;
    private final Keys keys;
    private final ConnectedDevices local;
    private final BiConsumer<Long, Long> membershipChanged;
    private volatile BiConsumer<UserId, UserId> blocksChanged = (a, b) -> { };
    private volatile Consumer<UserId> targetsChanged = u -> { };
    private volatile Consumer<Long> mutesChanged = c -> { };

    ClusterControl(RedisCluster cluster, Keys keys, ConnectedDevices local, BiConsumer<Long, Long> membershipChanged) {
        this.cluster = cluster;
        this.keys = keys;
        this.local = local;
        this.membershipChanged = membershipChanged;
    }

    @Override
    public void disconnect(UserId userId, DeviceId deviceId, Reason reason) {
        local.disconnect(userId, deviceId, reason);
        broadcast("D|" + userId.value() + "|" + deviceId.value() + "|" + reason.name());
    }

    @Override
    public void disconnectAll(UserId userId, Reason reason) {
        local.disconnectAll(userId, reason);
        broadcast("A|" + userId.value() + "|" + reason.name());
    }

    /** A membership change committed on this node. */
    @Override
    public void accept(Membership m) {
        broadcast("M|" + cluster.node() + "|" + m.conversationId().value() + "|" + m.version());
    }

    /**
     * A block between these users (or, with {@code blocked} null, the deletion of {@code blocker})
     * committed on this node: the other nodes drop what they cached of both.
     */
    public void blocksChanged(UserId blocker, UserId blocked) {
        broadcast("B|" + cluster.node() + "|" + blocker.value() + "|" + (blocked == null ? 0 : blocked.value()));
    }

    /** What this node does when another committed a block change. */
    public void onBlocksChanged(BiConsumer<UserId, UserId> listener) {
        this.blocksChanged = listener;
    }

    /** A user's push targets changed on this node: the other nodes drop what they cached of them. */
    public void pushTargetsChanged(UserId user) {
        broadcast("T|" + cluster.node() + "|" + user.value());
    }

    /** Who muted a conversation changed on this node. */
    public void mutesChanged(long conversation) {
        broadcast("U|" + cluster.node() + "|" + conversation);
    }

    /** What this node does when another changed a user's push targets, or a conversation's mutes. */
    public void onPushChanged(Consumer<UserId> targets, Consumer<Long> mutes) {
        this.targetsChanged = targets;
        this.mutesChanged = mutes;
    }

    private void broadcast(String notice) {
        // Lost, a notice is made good once the link is back: every node then re-reads its
        // connected users' accounts, devices and memberships (docs/operations.md, "Redis").
        cluster.send(Request.cmd(Command.PUBLISH).arg(keys.broadcast()).arg(notice))
                .onFailure(e -> cluster.lostWrite("a cluster notice", e));
    }

    void received(String notice) {
        String[] f = notice.split("\\|");
        switch (f[0]) {
            case "D" -> local.disconnect(new UserId(Long.parseLong(f[1])), new DeviceId(Long.parseLong(f[2])),
                    Reason.valueOf(f[3]));
            case "A" -> local.disconnectAll(new UserId(Long.parseLong(f[1])), Reason.valueOf(f[2]));
            case "M" -> {
                if (Integer.parseInt(f[1]) != cluster.node()) {
                    membershipChanged.accept(Long.parseLong(f[2]), Long.parseLong(f[3]));
                }
            }
            case "B" -> {
                if (Integer.parseInt(f[1]) != cluster.node()) {
                    long blocked = Long.parseLong(f[3]);
                    blocksChanged.accept(new UserId(Long.parseLong(f[2])), blocked == 0 ? null : new UserId(blocked));
                }
            }
            case "T" -> {
                if (Integer.parseInt(f[1]) != cluster.node()) {
                    targetsChanged.accept(new UserId(Long.parseLong(f[2])));
                }
            }
            case "U" -> {
                if (Integer.parseInt(f[1]) != cluster.node()) {
                    mutesChanged.accept(Long.parseLong(f[2]));
                }
            }
            default -> {
            }
        }
    }
}
