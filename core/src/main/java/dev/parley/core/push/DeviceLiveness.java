package dev.parley.core.push;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;

/**
 * Whether a device has a live connection anywhere: such a device receives messages on its
 * connection and gets no push. On a single node that is the node's own connections; in a cluster
 * also the other nodes', as they record them through {@link NodeDevices} (docs/push.md, "Clusters").
 */
public interface DeviceLiveness {

    /** Blocking allowed (called off the message path). */
    boolean isConnected(UserId user, DeviceId device);
}
