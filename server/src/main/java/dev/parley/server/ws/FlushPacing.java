package dev.parley.server.ws;

import java.util.concurrent.TimeUnit;

/**
 * When one event loop's end-of-turn flushes may run: at once while the loop is quiet, at most
 * once per {@code interval} while it writes many frames. On loopback (and for small frames
 * anywhere) a write's cost is per system call and segment, not per byte: in a 1,024-member fan-out
 * at 200 messages a second each member gets a frame every 5 ms, one per loop turn, so flushing
 * every turn sends one segment per delivery, and the kernel's share of it filled the node's cores.
 * Holding a busy loop's flushes for a few milliseconds lets each write carry several frames.
 *
 * <p>"Busy" is both: the loop wrote frames at a high rate over the last window (about
 * {@code window} long, counted from flush to flush), and to few enough connections that each got
 * {@value #REPEATS} frames or more in it on average, so that holding a flush lets a write carry
 * several. Frames are counted, not flushes, so that pacing, which makes fewer flushes, does not
 * switch itself off. A one-to-one chat writes one or two frames per message to a connection that
 * gets a frame now and then: however many chats a loop serves, its frames leave at the end of the
 * turn that wrote them, as without pacing.
 *
 * <p>Not thread-safe: one per event loop, used on that loop only; times are {@link System#nanoTime}.
 */
final class FlushPacing {
    /** Milliseconds between two flushes of a busy loop; 0 turns pacing off. */
    static final String INTERVAL_PROPERTY = "parley.ws.flushPacingMs";
    /** Frames per second one loop writes above which it is busy. */
    static final String BUSY_PROPERTY = "parley.ws.flushPacingBusyFramesPerSecond";
    static final long DEFAULT_INTERVAL_MS = 20;
    static final long DEFAULT_BUSY_FRAMES_PER_SECOND = 40_000;
    static final long WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Frames per connection written to in a window, on average, from which pacing pays. */
    static final int REPEATS = 4;

    private final long intervalNanos;
    private final long busyFramesPerSecond;
    private final long windowNanos;
    private long windowStart;
    private long framesInWindow;
    private long connectionsInWindow;
    /** Numbers the windows, so that a connection can tell whether it was counted in this one. */
    private int window = 1;
    private boolean busy;
    private long lastFlush;

    FlushPacing(long intervalNanos, long busyFramesPerSecond, long windowNanos, long now) {
        this.intervalNanos = intervalNanos;
        this.busyFramesPerSecond = busyFramesPerSecond;
        this.windowNanos = windowNanos;
        this.windowStart = now;
        this.lastFlush = now - intervalNanos;
    }

    /** The settings of this JVM ({@value #INTERVAL_PROPERTY}, {@value #BUSY_PROPERTY}). */
    static FlushPacing ofThisJvm(long now) {
        long intervalMs = Long.getLong(INTERVAL_PROPERTY, DEFAULT_INTERVAL_MS);
        long busy = Long.getLong(BUSY_PROPERTY, DEFAULT_BUSY_FRAMES_PER_SECOND);
        return new FlushPacing(TimeUnit.MILLISECONDS.toNanos(Math.max(0, intervalMs)), busy, WINDOW_NANOS, now);
    }

    /**
     * One frame written to a connection of the loop whose previous frame was written in window
     * {@code connectionsWindow} (0 if none); returns the current window, for the connection to keep.
     */
    int wrote(int connectionsWindow) {
        framesInWindow++;
        if (connectionsWindow != window) {
            connectionsInWindow++;
        }
        return window;
    }

    /**
     * How long from {@code now} the loop's next flush should wait: 0 while the loop is quiet or
     * its last flush is {@code interval} past, otherwise until then.
     */
    long delayNanos(long now) {
        if (intervalNanos <= 0) {
            return 0;
        }
        roll(now);
        if (!busy) {
            return 0;
        }
        return Math.max(0, lastFlush + intervalNanos - now);
    }

    /** The loop's pending flushes ran at {@code now}. */
    void flushed(long now) {
        lastFlush = now;
        roll(now);
    }

    boolean busy() {
        return busy;
    }

    private void roll(long now) {
        long span = now - windowStart;
        if (span < windowNanos) {
            return;
        }
        // A busy loop flushes every interval, so two windows without a flush mean it went quiet
        // (and keep the product below from overflowing).
        busy = span < 2 * windowNanos
                && framesInWindow * 1_000_000_000L >= busyFramesPerSecond * span
                && framesInWindow >= REPEATS * connectionsInWindow;
        framesInWindow = 0;
        connectionsInWindow = 0;
        window = window == Integer.MAX_VALUE ? 1 : window + 1;
        windowStart = now;
    }
}
