package dev.parley.core.push;

import java.time.Duration;

/** What a push service answered to one notification. */
public sealed interface PushOutcome {

    /** Accepted by the push service. */
    record Delivered() implements PushOutcome {
    }

    /**
     * A temporary failure (5xx, 429, a network error): try again, not before {@code after} when the
     * service said when ({@code Retry-After}), else after the dispatcher's backoff ({@code after} null).
     */
    record Retry(Duration after, String reason) implements PushOutcome {
    }

    /** The target no longer exists (404/410, "unregistered"): remove it, never retry. */
    record Gone(String reason) implements PushOutcome {
    }

    /** Refused for good (a 4xx that is none of the above): drop this notification, keep the target. */
    record Failed(String reason) implements PushOutcome {
    }

    PushOutcome DELIVERED = new Delivered();

    static PushOutcome retry(Duration after, String reason) {
        return new Retry(after, reason);
    }
}
