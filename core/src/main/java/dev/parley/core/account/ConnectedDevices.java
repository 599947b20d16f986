package dev.parley.core.account;

/**
 * The live connections of devices, wherever they are held. Lets the domain end a device's
 * sessions when its token stops being valid.
 */
public interface ConnectedDevices {

    /** Why the domain ends a device's connections. */
    enum Reason { LOGGED_OUT, ACCOUNT_DISABLED, ACCOUNT_DELETED }

    /** Closes every connection of this device, on every node. Returns without waiting. */
    void disconnect(UserId userId, DeviceId deviceId, Reason reason);

    /** Closes every connection of every device of this user, on every node. */
    void disconnectAll(UserId userId, Reason reason);
}
