package dev.parley.sdk;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Jittered exponential backoff: the n-th wait is drawn between half and all of
 * {@code min(initial * 2^n, max)}, so clients that lost the same node do not come back in step.
 * Not thread-safe; each owner keeps its own.
 */
final class Backoff {
    private final long initialMs;
    private final long maxMs;
    private int attempt;

    Backoff(Duration initial, Duration max) {
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 < initial <= max");
        }
        this.initialMs = initial.toMillis();
        this.maxMs = max.toMillis();
    }

    /** The next wait in milliseconds; each call doubles the ceiling up to the maximum. */
    long next() {
        long ceiling = delay(attempt, initialMs, maxMs);
        attempt = Math.min(attempt + 1, 62);
        return jitter(ceiling);
    }

    /** Start again from the initial wait (after a success). */
    void reset() {
        attempt = 0;
    }

    /** The ceiling of the {@code n}-th wait (n from 0), without jitter. */
    static long delay(int n, long initialMs, long maxMs) {
        long d = initialMs;
        for (int i = 0; i < n && d < maxMs; i++) {
            d *= 2;
        }
        return Math.min(d, maxMs);
    }

    static long jitter(long ceiling) {
        long half = ceiling / 2;
        return half + ThreadLocalRandom.current().nextLong(ceiling - half + 1);
    }
}
