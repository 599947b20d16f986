package dev.parley.store.hotlog;

/**
 * Where recovery starts: the first ordinal not yet materialized and, when known, where its record
 * starts (the end of the last materialized record). SQLite keeps it in the transaction that
 * materializes up to it, so everything before it is history already and is not read again.
 *
 * @param ordinal  the first ordinal to replay (1 for a log that has never been materialized)
 * @param position where that record starts, or null to find it by reading the segment that holds it
 */
public record LogMark(long ordinal, LogPosition position) {
    /** A log nothing of which is materialized: replay from its first record. */
    public static final LogMark START = new LogMark(1, null);

    public LogMark {
        if (ordinal < 1) {
            throw new IllegalArgumentException("ordinals start at 1, not " + ordinal);
        }
        if (position != null && position.segment() > ordinal) {
            throw new IllegalArgumentException("ordinal " + ordinal + " cannot be in segment " + position.segment());
        }
    }
}
