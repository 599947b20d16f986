package dev.parley.server.ws;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The devices arriving at this node at once: from an {@code auth} until the device is live (its
 * {@code ready}, or its {@code synced} when it resumes), or gone. After a restart every client
 * comes back within seconds; taken all at once, each arrival (token check, registration, catch-up
 * reads and writes) waits behind all the others and slow clients give up and come again, which
 * costs the node the same work twice. So at most {@code bound} arrive at once, and a device over
 * the bound is told when to come back ({@code unavailable} with {@code retryAfterMs}, then close
 * 1013; docs/protocol.md, "Arriving in a storm").
 *
 * <p>The times handed out are appointments at the pace the node admits devices: each refused
 * device gets the next free one, spaced by the completions of the last second in which the bound
 * was reached (or, before any such second, by {@link #ASSUMED_ARRIVAL_NANOS} per place of the
 * bound), with 20% of jitter, at most {@link #MAX_WAIT_MS} ahead (past that, anywhere in its
 * second half). A storm then comes back spread over the time the node needs for it, instead of in waves that are
 * refused again. Any thread.
 */
public final class Arrivals {
    /** The pace assumed before a second of arrivals was measured: one arrival per slot per 100 ms. */
    static final long ASSUMED_ARRIVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** The latest appointment: a client is never sent further away than this. */
    public static final long MAX_WAIT_MS = 30_000;
    /** The earliest: a refused client does not come back at once. */
    public static final long MIN_WAIT_MS = 100;

    private final int bound;
    private final AtomicInteger inProgress = new AtomicInteger();
    // The pace, guarded by this: arrivals completed in the current one-second window, and the last full window's rate.
    private long windowStart = System.nanoTime();
    private int completedInWindow;
    private boolean fullInWindow;
    private double perSecond;
    private long nextSlotNanos;
    private long refused;

    public Arrivals(int bound) {
        if (bound < 1) {
            throw new IllegalArgumentException("the bound must be at least 1");
        }
        this.bound = bound;
    }

    /** Takes a place among the devices arriving; false when all {@code bound} are taken. */
    public boolean tryEnter() {
        while (true) {
            int now = inProgress.get();
            if (now >= bound) {
                return false;
            }
            if (inProgress.compareAndSet(now, now + 1)) {
                return true;
            }
        }
    }

    /** Gives the place back; {@code live}: the device got all the way (it counts towards the pace). */
    public void leave(boolean live) {
        inProgress.decrementAndGet();
        if (live) {
            synchronized (this) {
                roll(System.nanoTime());
                completedInWindow++;
            }
        }
    }

    /** The wait, in milliseconds, given to a device refused now: its appointment. */
    synchronized long appointment() {
        long now = System.nanoTime();
        roll(now);
        refused++;
        fullInWindow = true;
        double pace = perSecond > 0 ? perSecond : bound * (1e9 / ASSUMED_ARRIVAL_NANOS);
        long spacing = (long) (1e9 / pace);
        long slot = Math.max(now, nextSlotNanos);
        nextSlotNanos = slot + spacing;
        long waitMs = TimeUnit.NANOSECONDS.toMillis(slot - now);
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (waitMs >= MAX_WAIT_MS) {
            // More are waiting than the node admits in the longest wait: spread the rest over its
            // second half rather than sending them all back at the same moment.
            nextSlotNanos = slot;
            return MAX_WAIT_MS / 2 + random.nextLong(MAX_WAIT_MS / 2 + 1);
        }
        long jittered = waitMs + random.nextLong(waitMs / 5 + MIN_WAIT_MS);
        return Math.min(MAX_WAIT_MS, Math.max(MIN_WAIT_MS, jittered));
    }

    private void roll(long now) {
        long elapsed = now - windowStart;
        if (elapsed >= TimeUnit.SECONDS.toNanos(1)) {
            // Only a second in which the bound was reached says what the node sustains; a quiet
            // one says how many came, so the pace measured under the last storm stays.
            if (fullInWindow && completedInWindow > 0) {
                perSecond = completedInWindow * 1e9 / elapsed;
            }
            completedInWindow = 0;
            fullInWindow = false;
            windowStart = now;
        }
    }

    /** Devices arriving now. */
    public int inProgress() {
        return inProgress.get();
    }

    /** Devices told to come back later, since the start. */
    public synchronized long refused() {
        return refused;
    }

    public int bound() {
        return bound;
    }
}
