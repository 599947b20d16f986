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
    private final long conversationId;

    public FrameException(ErrorCode code, String message, String requestType, String rid, String clientId,
                          long conversationId) {
        super(message, null, false, false);
        this.code = code;
        this.requestType = requestType;
        this.rid = rid;
        this.clientId = clientId;
        this.conversationId = conversationId;
    }

    public FrameException(ErrorCode code, String message) {
        this(code, message, null, null, null, 0);
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

    /** The {@code conversationId} of the refused frame when it could be read, else 0. */
    public long conversationId() {
        return conversationId;
    }
}
