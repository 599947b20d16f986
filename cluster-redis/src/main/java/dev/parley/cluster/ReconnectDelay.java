package dev.parley.cluster;

import java.util.concurrent.ThreadLocalRandom;

/**
 * How long to wait before connecting to Redis again: doubling from 100 ms up to 2 s, each wait
 * drawn between half and all of its ceiling so the nodes of a cluster do not all come back to a
 * restarted Redis in the same instant. Not thread-safe; each connection keeps its own.
 */
final class ReconnectDelay {
    static final long FIRST_MS = 100;
    static final long MAX_MS = 2_000;

    private long ceiling = FIRST_MS;

    /** The next wait in milliseconds. */
    long next() {
        long c = ceiling;
        ceiling = Math.min(MAX_MS, ceiling * 2);
        return c / 2 + ThreadLocalRandom.current().nextLong(c - c / 2 + 1);
    }

    /** Connected: the next loss starts again from the first wait. */
    void reset() {
        ceiling = FIRST_MS;
    }
}
