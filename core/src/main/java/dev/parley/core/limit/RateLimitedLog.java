package dev.parley.core.limit;

import org.slf4j.Logger;
import org.slf4j.event.Level;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * The log line of one repeating problem, written at most once per interval: the first occurrence
 * at once, later ones only counted until the interval has passed, when the next occurrence is
 * written with the number held back since the last line ({@code "... (1234 more since the last
 * report)"}). A storage fault that fails every write then costs one line per interval instead of
 * one per write.
 *
 * <p>Use one instance per kind of problem (a field next to the logger), so a flood of one kind
 * does not hide another. Thread-safe; the check is one synchronized counter update, cheap next to
 * the failure it counts. Lines carry no stack trace: pass {@code e.toString()} as an argument
 * (a repeated stack trace says nothing new).
 */
public final class RateLimitedLog {
    private final Logger logger;
    private final Level level;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private long nextAt;
    private boolean written;
    private long heldBack;

    /** Warnings from {@code logger}, at most one per {@code interval}. */
    public RateLimitedLog(Logger logger, Duration interval) {
        this(logger, Level.WARN, interval, System::nanoTime);
    }

    public RateLimitedLog(Logger logger, Level level, Duration interval, LongSupplier nanoTime) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("interval must be positive");
        }
        this.logger = logger;
        this.level = level;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
    }

    /**
     * Reports one occurrence: writes it (SLF4J format and arguments) if the interval since the last
     * line has passed, else counts it. Returns whether a line was written.
     */
    public boolean log(String format, Object... args) {
        long held;
        synchronized (this) {
            long now = nanoTime.getAsLong();
            if (written && now - nextAt < 0) {
                heldBack++;
                return false;
            }
            written = true;
            nextAt = now + intervalNanos;
            held = heldBack;
            heldBack = 0;
        }
        if (held == 0) {
            logger.atLevel(level).log(format, args);
        } else {
            Object[] withCount = Arrays.copyOf(args, args.length + 1);
            withCount[args.length] = held;
            logger.atLevel(level).log(format + " ({} more since the last report)", withCount);
        }
        return true;
    }

    /** Occurrences counted but not yet written. */
    public synchronized long heldBack() {
        return heldBack;
    }
}
