package dev.parley.server;

import dev.parley.core.ChatException;
import dev.parley.protocol.ErrorCode;
import dev.parley.protocol.FrameException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns a failure into the documented error code and a message safe to show the client. */
public final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {
    }

    /** A refusal as the client sees it. */
    public record Refusal(ErrorCode code, String message) {
    }

    public static Refusal of(Throwable t) {
        return of(t, "");
    }

    /** As {@link #of(Throwable)}; {@code about} names what failed in the log line, e.g. {@code req=ID}. */
    public static Refusal of(Throwable t, String about) {
        Throwable cause = unwrap(t);
        if (cause instanceof ChatException ce) {
            return new Refusal(code(ce.refusal()), ce.getMessage());
        }
        if (cause instanceof FrameException fe) {
            return new Refusal(fe.code(), fe.getMessage());
        }
        OutOfMemoryExit.haltIfOutOfMemory(cause);
        if (about.isEmpty()) {
            log.error("unexpected failure", cause);
        } else {
            log.error("unexpected failure {}", about, cause);
        }
        return new Refusal(ErrorCode.INTERNAL, "internal error");
    }

    public static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    public static ErrorCode code(ChatException.Refusal r) {
        return switch (r) {
            case INVALID -> ErrorCode.INVALID_FIELD;
            case TOO_LARGE -> ErrorCode.TOO_LARGE;
            case RATE_LIMITED -> ErrorCode.RATE_LIMITED;
            case UNAUTHENTICATED -> ErrorCode.UNAUTHENTICATED;
            case INVALID_CREDENTIALS -> ErrorCode.INVALID_CREDENTIALS;
            case ACCOUNT_DISABLED -> ErrorCode.ACCOUNT_DISABLED;
            case USERNAME_TAKEN -> ErrorCode.USERNAME_TAKEN;
            case NOT_FOUND -> ErrorCode.NOT_FOUND;
            case FORBIDDEN -> ErrorCode.FORBIDDEN;
            case CLIENT_ID_CONFLICT -> ErrorCode.CLIENT_ID_CONFLICT;
            case CONFLICT -> ErrorCode.CONFLICT;
            case GROUP_FULL -> ErrorCode.GROUP_FULL;
            case UNAVAILABLE -> ErrorCode.UNAVAILABLE;
            case REGISTRATION_CLOSED -> ErrorCode.REGISTRATION_CLOSED;
            case INVITE_REQUIRED -> ErrorCode.INVITE_REQUIRED;
            case UNREACHABLE -> ErrorCode.UNREACHABLE;
            case UNSUPPORTED_MEDIA -> ErrorCode.UNSUPPORTED_MEDIA_TYPE;
            case TARGET_NOT_FOUND -> ErrorCode.TARGET_NOT_FOUND;
            case TOO_MANY_REACTIONS -> ErrorCode.TOO_MANY_REACTIONS;
            case EDIT_WINDOW_CLOSED -> ErrorCode.EDIT_WINDOW_CLOSED;
            case MESSAGE_DELETED -> ErrorCode.MESSAGE_DELETED;
        };
    }
}
