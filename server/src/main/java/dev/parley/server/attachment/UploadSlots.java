package dev.parley.server.attachment;

import dev.parley.core.ChatException;
import dev.parley.core.account.UserId;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many uploads are being received at once, on the node and per user: each holds a file of up
 * to the size limit on disk until it is stored or dropped, so the quota (checked against what is
 * stored) alone would not bound the disk a user can fill with parallel uploads.
 */
public final class UploadSlots {
    /** Uploads one user may have in flight at once. */
    public static final int PER_USER = 4;
    /** Uploads a node receives at once. */
    public static final int PER_NODE = 64;

    private final ConcurrentHashMap<UserId, AtomicInteger> byUser = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    /** A slot for one upload of {@code user}; refuses with RATE_LIMITED when none is free. */
    public Runnable take(UserId user) {
        if (total.incrementAndGet() > PER_NODE) {
            total.decrementAndGet();
            throw new ChatException(ChatException.Refusal.UNAVAILABLE, "too many uploads at once on this node; retry",
                    Duration.ofSeconds(1));
        }
        AtomicInteger mine = byUser.computeIfAbsent(user, u -> new AtomicInteger());
        if (mine.incrementAndGet() > PER_USER) {
            mine.decrementAndGet();
            total.decrementAndGet();
            throw new ChatException(ChatException.Refusal.RATE_LIMITED, "at most " + PER_USER
                    + " uploads at once; wait for one to finish", Duration.ofSeconds(1));
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                total.decrementAndGet();
                byUser.computeIfPresent(user, (u, n) -> n.decrementAndGet() <= 0 ? null : n);
            }
        };
    }

    /** Uploads in flight on the node (for tests and metrics). */
    public int inFlight() {
        return total.get();
    }
}
