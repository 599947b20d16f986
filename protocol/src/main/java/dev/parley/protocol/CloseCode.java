package dev.parley.protocol;

/** WebSocket close codes a node uses, with the reason text it sends beside them. */
public enum CloseCode {
    /** The client asked to close, or logged out from this connection. */
    NORMAL(1000, "normal"),
    /** A frame larger than the hard frame limit; the connection cannot be kept in sync. */
    FRAME_TOO_LARGE(1009, "frame_too_large"),
    /** An unexpected fault on the node. Reconnect and resume. */
    INTERNAL_ERROR(1011, "internal_error"),
    /** The node is restarting or draining. Reconnect (to any node) and resume. */
    SERVICE_RESTART(1012, "service_restart"),
    /**
     * Too many devices were arriving at this node at once: come back after the {@code retryAfterMs}
     * of the {@code unavailable} error that answered {@code auth}, and resume.
     */
    TRY_AGAIN_LATER(1013, "try_again_later"),
    /** The {@code auth} frame carried a token that is unknown or revoked. Do not retry it. */
    AUTH_FAILED(4001, "auth_failed"),
    /** No {@code auth} frame arrived within the authentication timeout. */
    AUTH_TIMEOUT(4002, "auth_timeout"),
    /** The device was logged out or revoked (from this or another device). Do not reconnect. */
    LOGGED_OUT(4003, "logged_out"),
    /** The account was disabled by an administrator. Do not reconnect. */
    ACCOUNT_DISABLED(4004, "account_disabled"),
    /** The account was deleted (by its owner or an administrator). Do not reconnect. */
    ACCOUNT_DELETED(4005, "account_deleted"),
    /** The client did not read fast enough and its outbound queue filled. Reconnect and resume. */
    SLOW_CONSUMER(4008, "slow_consumer"),
    /** Nothing (no frame, no pong) was heard for a whole heartbeat interval; the node checks every half interval. */
    HEARTBEAT_TIMEOUT(4009, "heartbeat_timeout"),
    /** The client kept sending invalid frames; see the preceding error frames. */
    PROTOCOL_VIOLATION(4010, "protocol_violation");

    private final int code;
    private final String reason;

    CloseCode(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    /** The close code with this number, or null when it is not one of Parley's. */
    public static CloseCode of(int code) {
        for (CloseCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return null;
    }
}
