package dev.parley.cluster;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.push.DeviceLiveness;
import dev.parley.core.push.NodeDevices;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Set;

/**
 * Device liveness across a cluster: a device is connected if it has a connection on this node, or
 * if Redis records it on another node whose heartbeat has not expired.
 *
 * <p>Each node records its devices in Redis when a device's first connection there opens and its
 * last closes: {@code devices:<user>} holds {@code <device>:<node>} members (a device may be on two
 * nodes for a moment while it reconnects), {@code node:<n>:devices} lists the node's for reaping.
 * The records go over the cluster's ordered connection, so a device's close never overtakes its
 * next open, and a user's first device record is applied before the user's route (which the
 * device's catch-up waits for).
 *
 * <p>The node keeps its own copy of the devices it holds; when Redis may have lost some records
 * (a write failed, Redis restarted empty) {@link #rewrite} replaces the node's records with that
 * copy, from this node's current state rather than by repeating lost commands: a late retry can
 * then never bring back a device that has left since. A dead node's records stop counting when
 * its heartbeat key expires and are removed when it is reaped.
 */
public final class RedisDeviceLiveness implements DeviceLiveness, NodeDevices {
    private static final Logger log = LoggerFactory.getLogger(RedisDeviceLiveness.class);

    private record Held(UserId user, DeviceId device) {
    }

    private final RedisCluster cluster;
    private final Keys keys;
    private final int node;
    private volatile DeviceLiveness local = (user, device) -> false;
    /** Devices with a connection here. Guarded by this. */
    private final Set<Held> here = new HashSet<>();

    RedisDeviceLiveness(RedisCluster cluster, Keys keys, int node) {
        this.cluster = cluster;
        this.keys = keys;
        this.node = node;
    }

    void alsoLocal(DeviceLiveness local) {
        this.local = local;
    }

    // Synchronized so that the state and the order of the scripts on the ordered connection agree.

    @Override
    public synchronized void opened(UserId user, DeviceId device) {
        Held h = new Held(user, device);
        here.add(h);
        write(h);
    }

    @Override
    public synchronized void closed(UserId user, DeviceId device) {
        Held h = new Held(user, device);
        here.remove(h);
        write(h);
    }

    /** Makes this node's device records in Redis exactly the devices it holds. */
    synchronized Future<?> rewrite() {
        return cluster.eval(RedisScripts.SYNC_DEVICES, RedisScripts.args(
                here.stream().map(h -> h.user().value() + ":" + h.device().value()).toList(), keys.namespace(), node));
    }

    private void write(Held h) {
        cluster.eval(here.contains(h) ? RedisScripts.DEVICE_OPENED : RedisScripts.DEVICE_CLOSED, keys.namespace(), node,
                h.user().value(), h.device().value()).onFailure(e -> cluster.lostWrite("a device record", e));
    }

    /** Blocking: one script on Redis when the device is not connected here (push's threads only). */
    @Override
    public boolean isConnected(UserId user, DeviceId device) {
        if (local.isConnected(user, device)) {
            return true;
        }
        try {
            return RedisCluster.await(cluster.evalAnyOrder(RedisScripts.DEVICE_CONNECTED, keys.namespace(), node,
                    user.value(), device.value())).toInteger() == 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            // Unknown: count it as not connected. A notification on a device that also got the
            // message live is a lesser harm than none on a device that is really offline.
            log.debug("device liveness lookup in redis failed: {}", e.toString());
            return false;
        }
    }
}
