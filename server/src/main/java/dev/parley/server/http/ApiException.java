package dev.parley.server.http;

import dev.parley.protocol.ErrorCode;

/** A refusal decided by the HTTP layer itself (bad JSON, missing field, unknown route). */
final class ApiException extends RuntimeException {
    private final ErrorCode code;

    ApiException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    ErrorCode code() {
        return code;
    }
}
