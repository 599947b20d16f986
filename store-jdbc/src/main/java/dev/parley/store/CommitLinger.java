package dev.parley.store;

import java.util.concurrent.TimeUnit;

/**
 * Whether the group-commit writer, having found only a few writes queued, should wait a moment
 * for more before it commits.
 *
 * <p>The writer pays much of its cost per commit, not per write: on SQLite with 4,000
 * conversations a commit costs its thread ~60–70 µs whatever it holds (docs/benchmarks.md,
 * "Writer commits at ordinary rates"), and at ordinary rates, where each send arrives on its
 * own, commits hold one or two appends. So when writes have been coming fast enough that at
 * least one more is expected within {@link #nanos()}, and the writer found fewer than the target
 * queued, it sleeps that long and takes what came meanwhile into the same commit. When writes come slowly (an ordinary node most of the time) it never
 * waits, so a lone send is not delayed; when the commits are already large (a busy node, or
 * {@code fsync}, where writes queue up during each commit's sync) it does not wait either; nor
 * for a while after a wait that gathered nothing (see {@link #gathered}).
 *
 * <p>Used only by the writer's thread.
 */
final class CommitLinger {
    /** The arrival rate is counted over windows of about this length. */
    private static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final long nanos;
    private final int target;
    private boolean counting;
    private long windowStart;
    private long windowWrites;
    /** Writes per second in the last complete window. */
    private double rate;
    /** A wait gathered nothing: no waiting before {@link #quietUntil}. */
    private boolean quiet;
    private long quietUntil;

    /** Waits at most {@code nanos} (0: never) when fewer than {@code target} writes are queued. */
    CommitLinger(long nanos, int target) {
        this.nanos = nanos;
        this.target = target;
    }

    static CommitLinger never() {
        return new CommitLinger(0, 1);
    }

    long nanos() {
        return nanos;
    }

    /** Notes that the writer took {@code writes} more from its queue at {@code now}. */
    void took(int writes, long now) {
        if (!counting) {
            counting = true;
            windowStart = now;
        }
        windowWrites += writes;
        long elapsed = now - windowStart;
        if (elapsed >= WINDOW_NANOS) {
            rate = windowWrites * 1e9 / elapsed;
            windowStart = now;
            windowWrites = 0;
        }
    }

    /** Whether to wait for more before committing {@code queued} writes. */
    boolean shouldWait(int queued, long now) {
        if (quiet && now - quietUntil < 0) {
            return false;
        }
        quiet = false;
        // A rate from before a pause says nothing about now: the first write after it goes alone.
        boolean recent = counting && now - windowStart < 2 * WINDOW_NANOS;
        return nanos > 0 && queued < target && recent && rate * nanos >= 1e9;
    }

    /**
     * Notes what a wait gathered. Nothing means the writes that came fast were waiting for their
     * own commits (one client writing in a loop): waiting again would only slow them, so the
     * writer does not wait for a window.
     */
    void gathered(int writes, long now) {
        if (writes == 0) {
            quiet = true;
            quietUntil = now + WINDOW_NANOS;
        }
    }
}
