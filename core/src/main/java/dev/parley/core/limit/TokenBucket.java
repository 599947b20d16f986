package dev.parley.core.limit;

/**
 * A token bucket: {@code ratePerSecond} tokens a second, holding at most {@code burst}. Not
 * thread-safe; each bucket belongs to one connection or device and is used from one thread at a time.
 */
public final class TokenBucket {
    private final double ratePerNano;
    private final double burst;
    private double tokens;
    private long lastNanos;

    public TokenBucket(int ratePerSecond, int burst, long nowNanos) {
        this(ratePerSecond / 1e9, burst, nowNanos);
        if (ratePerSecond <= 0) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
    }

    private TokenBucket(double ratePerNano, int burst, long nowNanos) {
        if (burst <= 0) {
            throw new IllegalArgumentException("rate and burst must be positive");
        }
        this.ratePerNano = ratePerNano;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = nowNanos;
    }

    /** A bucket of {@code count} tokens refilled at {@code count} per {@code windowNanos}. */
    public static TokenBucket perWindow(int count, long windowNanos, long nowNanos) {
        return new TokenBucket((double) count / windowNanos, count, nowNanos);
    }

    /** Takes one token if there is one; returns 0 then, or else the nanoseconds until one is due. */
    public long tryTake(long nowNanos) {
        refill(nowNanos);
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        return (long) Math.ceil((1 - tokens) / ratePerNano);
    }

    /** Nanoseconds until a token is there to take (0 if one is there now); takes nothing. */
    public long waitFor(long nowNanos) {
        refill(nowNanos);
        return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / ratePerNano);
    }

    /** Returns a token taken for an attempt that turned out not to count. */
    public void giveBack() {
        tokens = Math.min(burst, tokens + 1);
    }

    /** Whether the bucket is full again at {@code nowNanos}: forgetting it then changes nothing. */
    public boolean full(long nowNanos) {
        refill(nowNanos);
        return tokens >= burst;
    }

    private void refill(long nowNanos) {
        long elapsed = nowNanos - lastNanos;
        if (elapsed > 0) {
            tokens = Math.min(burst, tokens + elapsed * ratePerNano);
            lastNanos = nowNanos;
        }
    }
}
