package dev.parley.protocol;

import java.util.HashMap;
import java.util.Map;

/**
 * Every refusal Parley can give, over WebSocket (in an {@code error} frame) and over HTTP (in the
 * {@code error} body). The wire name is stable; the HTTP status is what a REST answer carries.
 */
public enum ErrorCode {
    /** The frame or body is not valid JSON, or not a JSON object. */
    MALFORMED("malformed", 400),
    /** The frame's {@code type} is not one this protocol version knows. */
    UNKNOWN_TYPE("unknown_type", 400),
    /** A required field is absent. */
    MISSING_FIELD("missing_field", 400),
    /** A field has the wrong JSON type or a value outside its documented range. */
    INVALID_FIELD("invalid_field", 400),
    /** The frame, body or message text is larger than its documented limit. */
    TOO_LARGE("too_large", 413),
    /** Over an allowance (sends, frames, failed logins, registrations); retry after the given delay. */
    RATE_LIMITED("rate_limited", 429),
    /** No valid token was presented, or it has been revoked. */
    UNAUTHENTICATED("unauthenticated", 401),
    /** A frame other than {@code auth} arrived before authentication. */
    NOT_AUTHENTICATED_YET("not_authenticated_yet", 401),
    /** Authentication was sent twice on one connection. */
    ALREADY_AUTHENTICATED("already_authenticated", 409),
    /** Username or password wrong (deliberately not saying which). */
    INVALID_CREDENTIALS("invalid_credentials", 401),
    /** The account has been disabled by an administrator. */
    ACCOUNT_DISABLED("account_disabled", 403),
    /** The username is already registered. */
    USERNAME_TAKEN("username_taken", 409),
    /**
     * The conversation, user, device or message does not exist, or the caller may not see it.
     * A non-member gets exactly this answer, so membership cannot be probed.
     */
    NOT_FOUND("not_found", 404),
    /** The caller is a member but their role does not allow the action. */
    FORBIDDEN("forbidden", 403),
    /** A client id was reused in this conversation with a different body. */
    CLIENT_ID_CONFLICT("client_id_conflict", 409),
    /** The request conflicts with the conversation's state (for example: already a member). */
    CONFLICT("conflict", 409),
    /** The group would exceed its maximum size. */
    GROUP_FULL("group_full", 409),
    /**
     * The other person cannot be reached from the caller here: a direct conversation or group add
     * with someone who blocked the caller (or whom the caller blocked), or whose account is deleted.
     * Deliberately one code for all of these, so a blocked user cannot tell a block apart.
     */
    UNREACHABLE("unreachable", 403),
    /**
     * The entry a reply or reaction names ({@code replyTo}, {@code targetSeq}) is not a message of
     * that conversation the sender may answer or react to: it does not exist (a seq past the end,
     * or deleted by retention) or it is not a text message.
     */
    TARGET_NOT_FOUND("target_not_found", 404),
    /** The sender already has the most distinct reactions one person may put on one message. */
    TOO_MANY_REACTIONS("too_many_reactions", 409),
    /** The message can no longer be edited: its edit window is over, or editing is turned off. */
    EDIT_WINDOW_CLOSED("edit_window_closed", 409),
    /** The message was deleted for everyone: it can no longer be edited or reacted to. */
    MESSAGE_DELETED("message_deleted", 409),
    /** The HTTP method is not supported on this path. */
    METHOD_NOT_ALLOWED("method_not_allowed", 405),
    /**
     * A request body that is not declared as JSON ({@code Content-Type: application/json}), or an
     * avatar upload that is not a PNG, JPEG or WebP image (sniffed from its bytes) or cannot be decoded.
     */
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415),
    /** Self-registration is turned off on this node; an administrator creates accounts. */
    REGISTRATION_CLOSED("registration_closed", 403),
    /** Registration on this node needs an invite code, and none valid was given. */
    INVITE_REQUIRED("invite_required", 403),
    /** The node is overloaded or shutting down; retry, the request was not carried out. */
    UNAVAILABLE("unavailable", 503),
    /** A fault on the node; the request may be retried with the same client id. */
    INTERNAL("internal", 500);

    private static final Map<String, ErrorCode> BY_WIRE = new HashMap<>();

    static {
        for (ErrorCode code : values()) {
            BY_WIRE.put(code.wire, code);
        }
    }

    private final String wire;
    private final int httpStatus;

    ErrorCode(String wire, int httpStatus) {
        this.wire = wire;
        this.httpStatus = httpStatus;
    }

    public String wire() {
        return wire;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** The code with this wire name, or {@link #INTERNAL} for a name this version does not know. */
    public static ErrorCode fromWire(String wire) {
        return BY_WIRE.getOrDefault(wire, INTERNAL);
    }
}
