package dev.parley.core.limit;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@link Rate} per key (an account name, a client address), for at most {@code maxKeys} keys
 * at a time, so whoever cycles through names or addresses cannot make it grow. Thread-safe.
 *
 * <p>Eviction: a key not used for the longest time is forgotten first, and so is any bucket that
 * has filled up again (forgetting it changes nothing). A key forgotten while still in debt starts
 * over with a full allowance: that needs {@code maxKeys} other keys used since, which is the price
 * of bounded memory (about 150 bytes a key).
 */
public final class KeyedAllowance {
    private final Rate rate;
    private final Clock clock;
    private final Map<String, TokenBucket> buckets;

    public KeyedAllowance(Rate rate, int maxKeys, Clock clock) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1");
        }
        this.rate = rate;
        this.clock = clock;
        this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, TokenBucket> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Takes one from the key's allowance: {@link Duration#ZERO} if taken, else how long until one is due. */
    public synchronized Duration tryTake(String key) {
        long now = nanos();
        TokenBucket b = buckets.get(key);
        if (b == null) {
            b = rate.bucket(now);
            buckets.put(key, b);
        }
        return Duration.ofNanos(b.tryTake(now));
    }

    /** How long until the key has one to take ({@link Duration#ZERO} if it has one now); takes nothing. */
    public synchronized Duration waitFor(String key) {
        TokenBucket b = buckets.get(key);
        return b == null ? Duration.ZERO : Duration.ofNanos(b.waitFor(nanos()));
    }

    /** Gives back one taken by {@link #tryTake} for an attempt that did not count. */
    public synchronized void giveBack(String key) {
        TokenBucket b = buckets.get(key);
        if (b != null) {
            b.giveBack();
            if (b.full(nanos())) {
                buckets.remove(key);
            }
        }
    }

    /** Keys held now (at most {@code maxKeys}). */
    public synchronized int size() {
        return buckets.size();
    }

    private long nanos() {
        return clock.millis() * 1_000_000L;
    }
}
