package dev.parley.core;

import java.time.Clock;

/**
 * Issues ids for users, devices and conversations that are unique across up to 32 nodes and fit
 * in 53 bits, so every JSON implementation holds them exactly.
 *
 * <p>Layout: 32 bits of seconds since 2025-01-01, 5 bits of node number, 16 bits of counter. A
 * node that issues more than 65,536 ids in one second borrows the next second, so ids stay unique
 * and increasing even in a burst; they only run ahead of the clock, never repeat.
 */
public final class IdGenerator {
    private static final long EPOCH_SECONDS = 1_735_689_600L; // 2025-01-01T00:00:00Z
    private static final int NODE_BITS = 5;
    private static final int COUNTER_BITS = 16;
    public static final int MAX_NODE = (1 << NODE_BITS) - 1;

    private final Clock clock;
    private final long node;
    private long second;
    private long counter;

    public IdGenerator(Clock clock, int node) {
        if (node < 0 || node > MAX_NODE) {
            throw new IllegalArgumentException("node number must be 0.." + MAX_NODE);
        }
        this.clock = clock;
        this.node = node;
    }

    /**
     * Makes every later id larger than {@code issued}, an id this node issued before (found in
     * storage at start-up), so a restart within the same second, or after ids were borrowed
     * ahead in a burst, never issues an id twice.
     */
    public synchronized void advancePast(long issued) {
        long s = issued >>> (NODE_BITS + COUNTER_BITS);
        long c = issued & ((1 << COUNTER_BITS) - 1);
        if (s > second || (s == second && c > counter)) {
            second = s;
            counter = c;
        }
    }

    /** The node number an id was issued by. */
    public static int nodeOf(long id) {
        return (int) ((id >>> COUNTER_BITS) & MAX_NODE);
    }

    public synchronized long next() {
        long now = Math.max(0, clock.millis() / 1000 - EPOCH_SECONDS);
        if (now > second) {
            second = now;
            counter = 0;
        } else if (counter == (1 << COUNTER_BITS) - 1) {
            second++;
            counter = 0;
        } else {
            counter++;
        }
        return (second << (NODE_BITS + COUNTER_BITS)) | (node << COUNTER_BITS) | counter;
    }
}
