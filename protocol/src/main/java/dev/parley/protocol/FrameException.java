package dev.parley.protocol;

/**
 * A frame that cannot be accepted, with the code to answer it with. Carries what could be read of
 * the request (its type, request id and client id) so the error frame can name the request.
 */
public final class FrameException extends RuntimeException {
    private final ErrorCode code;
    private final String requestType;
    private final String rid;
    private final String clientId;

    public FrameException(ErrorCode code, String message, String requestType, String rid, String clientId) {
        super(message, null, false, false);
        this.code = code;
        this.requestType = requestType;
        this.rid = rid;
        this.clientId = clientId;
    }

    public FrameException(ErrorCode code, String message) {
        this(code, message, null, null, null);
    }

    public ErrorCode code() {
        return code;
    }

    /** The {@code type} of the refused frame, when it could be read. */
    public String requestType() {
        return requestType;
    }

    /** The {@code rid} of the refused frame, when it could be read. */
    public String rid() {
        return rid;
    }

    /** The {@code clientId} of the refused frame, when it could be read. */
    public String clientId() {
        return clientId;
    }
}
