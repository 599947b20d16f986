package dev.parley.core.limit;

import java.time.Duration;

/**
 * An allowance of {@code count} events per {@code window}: a burst of {@code count} at once, then
 * refilled evenly over the window (one every {@code window / count}).
 */
public record Rate(int count, Duration window) {
    public Rate {
        if (count < 1 || window == null || window.toMillis() < 1) {
            throw new IllegalArgumentException("a rate needs a count of at least 1 and a window of at least 1ms");
        }
    }

    /** A token bucket holding {@code count}, refilled at {@code count} per window. */
    TokenBucket bucket(long nowNanos) {
        return TokenBucket.perWindow(count, window.toNanos(), nowNanos);
    }
}
