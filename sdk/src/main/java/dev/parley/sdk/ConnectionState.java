package dev.parley.sdk;

/**
 * Where a client's real-time connection stands. The last four are final: the client does not
 * reconnect from them.
 */
public enum ConnectionState {
    /** Not connected yet: {@link ParleyClient#connect()} was not called. */
    IDLE,
    /** Opening a socket and authenticating. */
    CONNECTING,
    /** Authenticated; the node is sending what the device missed. */
    SYNCING,
    /** Caught up; entries arrive as they are committed. */
    LIVE,
    /** The connection was lost; the client waits out its backoff and reconnects. */
    DISCONNECTED,
    /** {@link ParleyClient#close()} was called. */
    CLOSED,
    /** This device was logged out or revoked (close 4003): log in again. */
    LOGGED_OUT,
    /** The node does not know the token (close 4001): log in again. */
    AUTH_FAILED,
    /** The account was disabled (close 4004). */
    ACCOUNT_DISABLED,
    /** The account was deleted (close 4005). */
    ACCOUNT_DELETED;

    /** True when the client has stopped for good. */
    public boolean isFinal() {
        return this == CLOSED || this == LOGGED_OUT || this == AUTH_FAILED || this == ACCOUNT_DISABLED
                || this == ACCOUNT_DELETED;
    }
}
