package dev.parley.sdk;

import dev.parley.protocol.ErrorCode;

/**
 * A request the node refused, or could not be asked. {@link #code()} is the protocol's error code;
 * a node that cannot be reached shows as {@link ErrorCode#UNAVAILABLE}.
 */
public final class ParleyException extends RuntimeException {
    private final ErrorCode code;

    public ParleyException(ErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public ParleyException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }

    /** True for refusals that a later retry may not get (everything but overload and faults). */
    public boolean isDefinite() {
        return !isTransient(code);
    }

    static boolean isTransient(ErrorCode code) {
        return code == ErrorCode.UNAVAILABLE || code == ErrorCode.INTERNAL || code == ErrorCode.RATE_LIMITED;
    }

    @Override
    public String getMessage() {
        return code.wire() + ": " + super.getMessage();
    }
}
