package dev.parley.core.push;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;

/**
 * Whether a device has a live connection anywhere: such a device receives messages on its
 * connection and gets no push. On a single node that is the node's own connections; in a cluster
 * it must also consider the other nodes (docs/push.md).
 */
public interface DeviceLiveness {

    /** Blocking allowed (called off the message path). */
    boolean isConnected(UserId user, DeviceId device);
}
