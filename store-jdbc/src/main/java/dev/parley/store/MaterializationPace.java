package dev.parley.store;

/**
 * How many kept-out rows the writer's next slice may insert, so that rows go into SQLite at an even
 * pace rather than in waves (docs/storage.md, "The hot log", stage 3).
 *
 * <p>Why: conversations that start together (a node's start, a burst) would all come due together
 * one {@code target} later, and every {@code target} after that, each wave holding the writer (and
 * then the search indexer) for seconds while deliveries waited: p99 of 80-180 ms every 20 s at
 * 5,000/s (docs/benchmarks.md, "Twelfth session").
 *
 * <p>How: once the oldest pending row is half the target old, the slices between batches may insert
 * as many rows as were kept out meanwhile, scaled by the oldest row's age over the target, oldest
 * conversations first, once at least {@link #MIN_ROWS} are owed. Inserting slower than rows come
 * lets the oldest age, faster makes it younger, so the age settles at the target: each
 * conversation's rows go in together about {@code target} after the first of them, at the append
 * rate, and the conversations' turns spread out over the target. A conversation is due at twice the
 * target whatever the pace ({@link PendingRows#due}).
 *
 * <p>Threading: the writer's thread only.
 */
final class MaterializationPace {
    /** The most the oldest row's age speeds the pace up, so a backlog goes in over seconds, not at once. */
    private static final double MOST_FACTOR = 4;

    /**
     * Rows a slice waits for at the pace (fewer when fewer wait): nearly every SQLite commit here
     * costs the writer a walk of its whole page cache (SQLite's truncation at the end of a write
     * transaction that split a page), so a slice inserts several conversations at once, not one
     * each time the writer is between batches (64 cost the writer a quarter more than 192:
     * docs/benchmarks.md, "Twelfth session").
     */
    static final int MIN_ROWS = 192;

    private final long targetNanos;
    private double credit;
    private long lastAdded;
    private boolean running;

    /** @param targetNanos how long a row waits for SQLite, about; 0 for no pace (no rows by it) */
    MaterializationPace(long targetNanos) {
        this.targetNanos = targetNanos;
    }

    /**
     * The rows the next slice may insert by the pace, at {@code nowNanos}, with {@code pending} rows
     * waiting of which the oldest came at {@code oldestNanos}, {@code added} rows kept out so far.
     */
    long budget(long nowNanos, long oldestNanos, int pending, long added) {
        long age = nowNanos - oldestNanos;
        if (targetNanos <= 0 || pending == 0 || age < targetNanos / 2) {
            // Nothing is old enough yet: no credit builds up to be spent in one go later.
            running = false;
            credit = 0;
            lastAdded = added;
            return 0;
        }
        if (running) {
            double factor = Math.min((double) age / targetNanos, MOST_FACTOR);
            credit = Math.min(credit + (added - lastAdded) * factor, pending);
        }
        running = true;
        lastAdded = added;
        return credit >= Math.min(MIN_ROWS, pending) ? (long) Math.floor(credit) : 0;
    }

    /** The slice inserted this many rows (it may be more than the budget: a conversation goes whole). */
    void spent(int rows) {
        if (rows > 0) {
            // Rows due by age or by the bound count too, but never leave more than their slice owed.
            credit = Math.max(credit - rows, -rows);
        }
    }
}
