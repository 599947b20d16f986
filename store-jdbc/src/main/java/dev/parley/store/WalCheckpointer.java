package dev.parley.store;

import dev.parley.core.limit.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Copies SQLite's write-ahead log back into the database file on a thread of its own, so the
 * writer never does it inside a commit.
 *
 * <p>By default SQLite checkpoints from the committing connection once the log passes 1,000
 * pages, and with {@code synchronous=NORMAL} that checkpoint also syncs the database file: the
 * writer thread, and with it every waiting send, stops for it (most of the writer's time in
 * profiles of busy nodes). Here the writer's connection has automatic checkpoints off and this
 * thread runs passive checkpoints (which never block the writer or readers) every
 * {@code interval}.
 *
 * <p>A passive checkpoint cannot reset the log while the writer keeps appending to it, so under
 * continuous load the log file would only grow. The writer therefore resets it itself, between
 * two batches, once it has passed {@code resetFrames} pages ({@link #resetIfLarge}): a
 * {@code RESTART} checkpoint that copies only what the last passive one did not, then starts the
 * log again from its beginning.
 */
final class WalCheckpointer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);

    static final int READER_WAIT_MILLIS = 50;
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Connection connection;
    private final RateLimitedLog checkpointFailures = new RateLimitedLog(log, GroupCommitWriter.LOG_INTERVAL);
    private final long intervalNanos;
    private final int resetFrames;
    private final Thread thread;
    private volatile int framesInLog;
    private volatile boolean closing;
    /** Writer thread only. */
    private long nextResetAttempt;
    private final AtomicLong checkpoints = new AtomicLong();
    private final AtomicLong resets = new AtomicLong();
    private final AtomicLong deferredResets = new AtomicLong();

    WalCheckpointer(Connection connection, long intervalMillis, int resetFrames, String name) {
        this.connection = connection;
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMillis);
        this.resetFrames = resetFrames;
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::loop);
        thread.start();
    }

    private void loop() {
        while (!closing) {
            LockSupport.parkNanos(intervalNanos);
            if (closing) {
                return;
            }
            passive();
        }
    }

    /** One passive checkpoint; synchronized because tests may run one beside the thread's. */
    synchronized void passive() {
        try {
            framesInLog = checkpoint(connection, "PASSIVE")[1];
            checkpoints.incrementAndGet();
        } catch (SQLException e) {
            if (!closing) {
                checkpointFailures.log("passive checkpoint failed: {}", e.toString());
            }
        }
    }

    /**
     * Runs on the writer's connection between batches: resets the log when the last passive
     * checkpoint found it longer than {@code resetFrames} pages. A reset must wait for readers
     * still reading from the old log; it waits at most {@link #READER_WAIT_MILLIS} (a long read,
     * such as a backup, must not stop the writer) and, if they are not done, tries again a second
     * later.
     */
    void resetIfLarge(SqlSession writer) throws SQLException {
        long now = System.nanoTime();
        if (framesInLog < resetFrames || now < nextResetAttempt) {
            return;
        }
        Connection c = writer.connection();
        int[] result;
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout=" + READER_WAIT_MILLIS);
            try {
                result = checkpoint(c, "RESTART");
            } finally {
                s.execute("PRAGMA busy_timeout=" + SqliteDatabase.BUSY_TIMEOUT_MILLIS);
            }
        } catch (SQLException e) {
            // Not after every batch while whatever failed it lasts: a second later, like a deferral.
            nextResetAttempt = now + RETRY_NANOS;
            deferredResets.incrementAndGet();
            throw e;
        }
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - now);
        if (result[0] != 0) {
            nextResetAttempt = now + RETRY_NANOS;
            deferredResets.incrementAndGet();
            log.debug("write-ahead log reset deferred: readers still on it pages={} ms={}", result[1], tookMillis);
            return;
        }
        framesInLog = 0;
        resets.incrementAndGet();
        log.debug("write-ahead log reset pages={} ms={}", result[1], tookMillis);
    }

    /** Runs a checkpoint; returns SQLite's answer: busy (0 or 1), pages in the log, pages copied. */
    private static int[] checkpoint(Connection c, String mode) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            return rs.next() ? new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)} : new int[3];
        }
    }

    long checkpoints() {
        return checkpoints.get();
    }

    long resets() {
        return resets.get();
    }

    /** Resets given up for now because a reader was still on the log. */
    long deferredResets() {
        return deferredResets.get();
    }

    /**
     * Stops, then moves every logged page into the file and empties the log (call when nothing
     * writes any more); whether all of that succeeded.
     */
    boolean closeTruncating() {
        stop();
        boolean truncated;
        try {
            // The first column is 1 when a reader or writer kept the checkpoint from finishing.
            truncated = checkpoint(connection, "TRUNCATE")[0] == 0;
        } catch (SQLException e) {
            log.warn("final checkpoint failed: {}", e.toString());
            truncated = false;
        }
        return closeConnection() && truncated;
    }

    @Override
    public void close() {
        stop();
        closeConnection();
    }

    private void stop() {
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean closeConnection() {
        try {
            connection.close();
            return true;
        } catch (SQLException e) {
            log.warn("closing the checkpoint connection failed: {}", e.toString());
            return false;
        }
    }
}
