package dev.parley.core;

/**
 * A request the domain refuses, with the reason the transport turns into a documented error code.
 * Thrown, or used to complete a future exceptionally; never carries secrets or message text.
 */
public final class ChatException extends RuntimeException {
    private final Refusal refusal;

    public ChatException(Refusal refusal, String message) {
        super(message, null, false, false);
        this.refusal = refusal;
    }

    public Refusal refusal() {
        return refusal;
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
        UNAVAILABLE
    }

    public static ChatException notFound(String what) {
        return new ChatException(Refusal.NOT_FOUND, what + " not found");
    }

    public static ChatException invalid(String message) {
        return new ChatException(Refusal.INVALID, message);
    }
}
