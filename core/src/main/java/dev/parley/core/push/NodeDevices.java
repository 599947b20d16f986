package dev.parley.core.push;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;

/**
 * Which devices have a connection on this node, as the other nodes of a cluster need to know so
 * they do not push a device that is connected here. Told when a device's first connection on this
 * node opens and when its last one closes, in that device's order. On a single node there is
 * nothing to tell: its own connections are the whole truth.
 */
public interface NodeDevices {

    /** No other nodes: nothing to record. */
    NodeDevices NONE = new NodeDevices() {
        @Override
        public void opened(UserId user, DeviceId device) {
        }

        @Override
        public void closed(UserId user, DeviceId device) {
        }
    };

    /** The device's first connection on this node opened. Must not block (called on an event loop). */
    void opened(UserId user, DeviceId device);

    /** The device's last connection on this node closed. Must not block. */
    void closed(UserId user, DeviceId device);
}
