package dev.parley.core;

import java.time.Duration;

/**
 * A request the domain refuses, with the reason the transport turns into a documented error code.
 * Thrown, or used to complete a future exceptionally; never carries secrets or message text.
 */
public final class ChatException extends RuntimeException {
    private final Refusal refusal;
    private final Duration retryAfter;

    public ChatException(Refusal refusal, String message) {
        this(refusal, message, Duration.ZERO);
    }

    /** A refusal the client may try again after {@code retryAfter} (rate limits, a full queue). */
    public ChatException(Refusal refusal, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.refusal = refusal;
        this.retryAfter = retryAfter;
    }

    public Refusal refusal() {
        return refusal;
    }

    /** When trying again makes sense; zero when the refusal does not say. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** Why a request was refused. The transport maps each to one documented error code. */
    public enum Refusal {
        INVALID,
        TOO_LARGE,
        RATE_LIMITED,
        UNAUTHENTICATED,
        INVALID_CREDENTIALS,
        ACCOUNT_DISABLED,
        USERNAME_TAKEN,
        NOT_FOUND,
        FORBIDDEN,
        CLIENT_ID_CONFLICT,
        CONFLICT,
        GROUP_FULL,
        UNAVAILABLE,
        /** Self-registration is turned off on this node. */
        REGISTRATION_CLOSED,
        /** Registration needs a valid invite code (missing, unknown, expired or used up). */
        INVITE_REQUIRED,
        /** The other person does not accept this from the caller (blocked, or a deleted account). */
        UNREACHABLE,
        /** An upload that is not an accepted media type, or cannot be decoded. */
        UNSUPPORTED_MEDIA,
        /**
         * The entry a reply (or another action on an entry) names does not exist in that
         * conversation, or is not one it may name.
         */
        TARGET_NOT_FOUND,
        /** The sender already has the most distinct reactions one user may put on one entry. */
        TOO_MANY_REACTIONS,
        /** The message can no longer be edited: its edit window is over, or editing is turned off. */
        EDIT_WINDOW_CLOSED,
        /** The message was deleted: it can no longer be edited or reacted to. */
        MESSAGE_DELETED
    }

    public static ChatException notFound(String what) {
        return new ChatException(Refusal.NOT_FOUND, what + " not found");
    }

    public static ChatException invalid(String message) {
        return new ChatException(Refusal.INVALID, message);
    }
}
