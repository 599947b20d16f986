package dev.parley.store;

import dev.parley.core.ChatException;
import dev.parley.core.limit.RateLimitedLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * Runs every write to one database connection on one thread, committing waiting writes together.
 *
 * <p>The thread takes the first waiting task, drains up to {@code maxBatch - 1} more, runs them all
 * in one transaction and commits once. Futures complete after the commit, in submission order,
 * on this thread. If any task fails, the batch is rolled back and each task is retried in a
 * transaction of its own, so one bad write fails alone.
 *
 * <p>Within a batch the tasks run in the order of their keys (a stable sort, so tasks with one
 * key keep their submission order). Where several writers share one database (several nodes on
 * PostgreSQL), every batch then takes the row locks of its conversations in the same order, so
 * two batches writing to overlapping conversations wait for each other instead of deadlocking
 * (the stores' part: every write to a conversation locks the conversation's row before any other
 * of its rows, see docs/storage.md). A batch that still fails only because it met a concurrent
 * write (a deadlock, which other writes can still cause, or a serialization failure, see
 * {@link Dialect#isTransient}) is rolled back and run again, whole, a few times, before falling
 * back to running its tasks alone (each again retried on such a failure). A task may therefore
 * run several times, each time in a fresh transaction after a rollback; only the last run's
 * result counts, and the after-commit hooks run once.
 *
 * <p>A batch that fails because of the storage itself ({@link Dialect#isStorageFault}: a full disk,
 * an I/O error, a lost connection) fails whole, each write with UNAVAILABLE, without running its
 * writes one by one (they would only fail again). The connection is then treated as unusable, as
 * it is after a rollback that failed: SQLite rolls a transaction back by itself on a full disk and
 * its driver finalizes the failing statement, so the connection's state and its cached statements
 * can no longer be trusted. Given a {@link Connector}, the writer opens a new connection before
 * its next write (and never runs a write on one it knows to be unusable); the writes that failed
 * fail with UNAVAILABLE, and later ones go to the new connection. After a second with no write it
 * checks its connection before the next one, so that a connection lost while idle (a database
 * failover) costs no failed write.
 *
 * <p>While writes fail for such a reason the writer reports a {@link Fault} (readiness shows it).
 * It keeps trying: every batch is a try, and when no writes come (a balancer took the node out
 * because it was not ready) it runs a small probe write every second, so it notices on its own,
 * within about a second, that writes succeed again. Repeated failures are logged once per
 * {@link #LOG_INTERVAL} with a count ({@link RateLimitedLog}), not once per write.
 *
 * <p>The queue is bounded: when it is full, {@link #submit} fails at once with UNAVAILABLE
 * instead of letting memory grow under overload.
 */
public final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

    private static final int BATCH_ATTEMPTS = 4;
    private static final int ALONE_ATTEMPTS = 8;
    /** Repeated failures are logged at most once per this interval, with a count. */
    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    /** While writes fail and none come, a probe write is tried this often. */
    private static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long IDLE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** How long the writer waits for a write before it counts as idle. */
    static final long IDLE_POLL_MILLIS = 100;

    /** Opens the writer's connection, set up for writing; called again when it is found broken. */
    @FunctionalInterface
    public interface Connector {
        SqlSession open() throws SQLException;
    }

    /** Why writes are failing, since when: reported while the storage fails every write. */
    public record Fault(String writer, Instant since, String cause) {
        @Override
        public String toString() {
            return writer + ": writes failing since " + since + ": " + cause;
        }
    }

    private final Connector connector;
    private volatile SqlSession session;
    /** A batch failed since the connection was last known good: check it before the next. */
    private boolean suspect;
    /** The connection is known unusable: replace it before running anything on it. */
    private boolean broken;
    private volatile Fault fault;
    private Throwable lastFault;
    private long failedSinceFault;
    private long lastAttemptNanos;
    private volatile SqlTask<?> probe = s -> null;
    private final String name;
    private final RateLimitedLog writeFailures;
    private final RateLimitedLog connectionTrouble;
    private final RateLimitedLog reopened;
    private final RateLimitedLog recovered;
    private final RateLimitedLog faultStarted;
    private final RateLimitedLog housekeepingFailures;
    private final int maxBatch;
    private final BlockingQueue<Pending<?>> queue;
    private final Thread thread;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong tasks = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private volatile IntConsumer batchListener = n -> { };
    private volatile SqlTask<?> betweenBatches = s -> null;
    private volatile SqlTask<?> whenIdle = s -> null;
    private volatile boolean closing;
    private volatile CommitLinger linger = CommitLinger.never();

    /**
     * A writer on a fixed connection, never replaced: after a storage fault it goes on with the
     * same connection (for tests; the databases give their writers a {@link Connector}).
     */
    public GroupCommitWriter(SqlSession session, String name, int maxBatch, int queueCapacity) throws SQLException {
        this(null, session, name, maxBatch, queueCapacity);
    }

    /** A writer on a connection from {@code connector}, reopened when it breaks. */
    public GroupCommitWriter(Connector connector, String name, int maxBatch, int queueCapacity) throws SQLException {
        this(connector, connector.open(), name, maxBatch, queueCapacity);
    }

    private GroupCommitWriter(Connector connector, SqlSession session, String name, int maxBatch, int queueCapacity)
            throws SQLException {
        this.connector = connector;
        this.session = session;
        this.name = name;
        this.writeFailures = new RateLimitedLog(log, LOG_INTERVAL);
        this.connectionTrouble = new RateLimitedLog(log, LOG_INTERVAL);
        this.reopened = new RateLimitedLog(log, Level.INFO, LOG_INTERVAL, System::nanoTime);
        this.recovered = new RateLimitedLog(log, Level.INFO, LOG_INTERVAL, System::nanoTime);
        this.faultStarted = new RateLimitedLog(log, LOG_INTERVAL);
        this.housekeepingFailures = new RateLimitedLog(log, LOG_INTERVAL);
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        session.connection().setAutoCommit(false);
        this.thread = Thread.ofPlatform().name(name).daemon(false).unstarted(this::loop);
        thread.start();
    }

    /**
     * Lets the writer wait up to {@code nanos} for more writes when it finds fewer than
     * {@code target} queued while writes come fast ({@link CommitLinger}); 0 never waits.
     */
    public void lingerFor(long nanos, int target) {
        this.linger = new CommitLinger(nanos, target);
    }

    /** Called with each committed batch's size (for metrics). */
    public void onBatch(IntConsumer listener) {
        this.batchListener = listener;
    }

    /**
     * Housekeeping run on the writer's connection after each batch has committed and its futures
     * completed, outside any batch's transaction (SQLite: resetting the write-ahead log).
     */
    public void betweenBatches(SqlTask<?> task) {
        this.betweenBatches = task;
    }

    /**
     * Housekeeping run on the writer's connection, outside any batch's transaction, when no write
     * came for {@link #IDLE_POLL_MILLIS} (SQLite: indexing for search what the appends left).
     */
    public void whenIdle(SqlTask<?> task) {
        this.whenIdle = task;
    }

    /**
     * The write tried every second while writes fail and none are queued, to notice that the
     * storage works again. It must change the database (a commit that writes nothing proves
     * nothing about a full disk) and be harmless to repeat.
     */
    public void probeWith(SqlTask<?> task) {
        this.probe = task;
    }

    /** Why writes fail, while they do because of the storage; empty when the last write succeeded. */
    public Optional<Fault> fault() {
        return Optional.ofNullable(fault);
    }

    public <T> CompletableFuture<T> submit(SqlTask<T> task) {
        return submit(0, task, r -> { });
    }

    public <T> CompletableFuture<T> submit(SqlTask<T> task, Consumer<? super T> afterCommit) {
        return submit(0, task, afterCommit);
    }

    /**
     * Queues a write. {@code afterCommit} runs on the writer thread once the write is committed,
     * before its future (and any later write's) completes. Within a batch, tasks run in the order
     * of their {@code key}s, and in submission order for one key.
     */
    public <T> CompletableFuture<T> submit(long key, SqlTask<T> task, Consumer<? super T> afterCommit) {
        Pending<T> p = new Pending<>(key, task, afterCommit);
        if (closing) {
            p.future.completeExceptionally(new ChatException(ChatException.Refusal.UNAVAILABLE, "store is closing"));
        } else if (!queue.offer(p)) {
            p.future.completeExceptionally(new ChatException(ChatException.Refusal.UNAVAILABLE, "store is overloaded"));
        } else if (closing && !thread.isAlive()) {
            // Closed between the check and the offer, after the writer's last drain.
            failLeftovers();
        }
        return p.future;
    }

    public long batches() {
        return batches.get();
    }

    public long tasks() {
        return tasks.get();
    }

    public int queued() {
        return queue.size();
    }

    /** How many times a batch or a task was run again after meeting a concurrent write. */
    public long retries() {
        return retries.get();
    }

    private void loop() {
        List<Pending<?>> batch = new ArrayList<>(maxBatch);
        while (true) {
            try {
                Pending<?> first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    if (fault != null && System.nanoTime() - lastAttemptNanos >= PROBE_INTERVAL_NANOS) {
                        runProbe();
                    } else if (fault == null) {
                        materializeWhenIdle();
                        runHousekeeping(whenIdle);
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
                CommitLinger l = linger;
                if (!closing && l.shouldWait(batch.size(), System.nanoTime())) {
                    // A plain sleep, not a timed poll: writes queued meanwhile wake nobody.
                    LockSupport.parkNanos(l.nanos());
                    l.gathered(queue.drainTo(batch, maxBatch - batch.size()), System.nanoTime());
                }
                l.took(batch.size(), System.nanoTime());
                boolean stop = batch.removeIf(p -> p.task == STOP);
                if (!batch.isEmpty()) {
                    runBatch(batch);
                    runBetweenBatches();
                }
                if (stop && queue.isEmpty()) {
                    return;
                }
            } catch (InterruptedException e) {
                if (closing) {
                    return;
                }
            } catch (RuntimeException | Error e) {
                log.error("writer loop failed; failing the batch", e);
                rollback();
                for (Pending<?> p : batch) {
                    p.future.completeExceptionally(e);
                }
            } finally {
                batch.clear();
            }
        }
    }

    private void runBatch(List<Pending<?>> batch) {
        long now = System.nanoTime();
        boolean afterPause = now - lastAttemptNanos >= IDLE_CHECK_NANOS;
        lastAttemptNanos = now;
        prepareConnection(afterPause);
        List<Pending<?>> order = new ArrayList<>(batch);
        order.sort(Comparator.comparingLong(p -> p.key));
        if (broken && connector != null) {
            // Never run writes on a connection known to be unusable: on SQLite, one left outside
            // its transaction by an automatic rollback would commit each statement on its own.
            failAll(order, unusable());
        } else {
            Throwable failure = runTogether(order);
            for (int attempt = 1; failure != null && Dialect.isTransient(failure) && attempt < BATCH_ATTEMPTS; attempt++) {
                retries.incrementAndGet();
                pause(attempt);
                failure = runTogether(order);
            }
            if (failure == null) {
                working();
            } else {
                suspect = true;
                if (Dialect.isStorageFault(failure) || broken) {
                    storageFault(failure);
                    failAll(order, failure);
                } else if (order.size() == 1) {
                    order.getFirst().failure = failure;
                } else {
                    runAlone(order);
                }
            }
        }
        batches.incrementAndGet();
        tasks.addAndGet(batch.size());
        try {
            batchListener.accept(batch.size());
        } catch (RuntimeException e) {
            log.warn("batch listener failed: {}", e.toString());
        }
        for (Pending<?> p : batch) {
            p.afterCommit();
        }
        for (Pending<?> p : batch) {
            p.complete(writeFailures, name);
        }
    }

    private static void failAll(List<Pending<?>> order, Throwable failure) {
        for (Pending<?> p : order) {
            p.failure = failure;
        }
    }

    /** Why the connection is unusable, for the writes failed without running on it. */
    private Throwable unusable() {
        return lastFault != null ? lastFault : new SQLException("the database connection is unusable");
    }

    /** Tries the probe write while writes fail and none come, to notice the storage working again. */
    private void runProbe() {
        lastAttemptNanos = System.nanoTime();
        prepareConnection(false);
        if (broken && connector != null) {
            return;
        }
        try {
            probe.run(session);
            session.commit();
            working();
        } catch (Throwable e) {
            rollback();
            suspect = true;
            storageFault(e);
        }
    }

    /** Notes a failure of the storage itself: the connection is replaced, and writes are failing. */
    private void storageFault(Throwable failure) {
        broken = true;
        lastFault = failure;
        failedSinceFault++;
        if (fault == null) {
            fault = new Fault(name, Instant.now(), failure.toString());
            faultStarted.log("{}: writes are failing because of the storage: {}", name, failure.toString());
        }
    }

    /** A commit succeeded: whatever failed before works again. */
    private void working() {
        Fault was = fault;
        if (was != null) {
            fault = null;
            recovered.log("{}: writes succeed again after failing since {} ({} failed batches or probes)", name,
                    was.since(), failedSinceFault);
        }
        failedSinceFault = 0;
        lastFault = null;
    }

    private void runBetweenBatches() {
        runHousekeeping(betweenBatches);
    }

    /** Behind the hot log ({@link SqlSession#holdsPending}): an idle writer commits what waits. */
    private void materializeWhenIdle() {
        if (broken || !session.holdsPending() || !session.materializesWhenIdle()) {
            return;
        }
        try {
            session.materialize(true);
        } catch (SQLException e) {
            housekeepingFailures.log("{}: materializing the log's tail failed: {}", name, e.toString());
            rollback();
            broken = true;
        }
    }

    private void runHousekeeping(SqlTask<?> task) {
        // Behind the hot log, housekeeping's commits join the open transaction like a batch's
        // (SqlSession.commit); what needs none open checks SqlSession.holdsPending itself.
        if (broken) {
            return;
        }
        try {
            task.run(session);
        } catch (Exception e) {
            housekeepingFailures.log("{}: housekeeping between batches failed: {}", name, e.toString());
            rollback();
            if (Dialect.isStorageFault(e)) {
                broken = true;
            }
        }
    }

    /** Runs the tasks in one transaction and commits; returns what failed, after rolling back. */
    private Throwable runTogether(List<Pending<?>> order) {
        try {
            for (Pending<?> p : order) {
                p.failure = null;
                p.run(session);
            }
            session.commit();
            return null;
        } catch (Throwable e) {
            rollback();
            forgetStatementsAfter(e);
            return e;
        }
    }

    /**
     * SQLite's driver finalizes a statement that failed with anything but a constraint violation or
     * a busy database; the cached one would then fail every later use ("statement is not
     * executing"). Drop the cache so statements are prepared afresh.
     */
    private void forgetStatementsAfter(Throwable e) {
        if (session.dialect() == Dialect.SQLITE && !Dialect.isTransient(e)) {
            session.forgetStatements();
        }
    }

    private void runAlone(List<Pending<?>> order) {
        for (Pending<?> p : order) {
            if (broken) {
                // An earlier write of the batch met a storage fault: this one would too.
                p.failure = unusable();
                continue;
            }
            for (int attempt = 1; ; attempt++) {
                try {
                    p.failure = null;
                    p.run(session);
                    session.commit();
                    working();
                    break;
                } catch (Throwable e) {
                    rollback();
                    forgetStatementsAfter(e);
                    p.failure = e;
                    if (Dialect.isStorageFault(e)) {
                        storageFault(e);
                        break;
                    }
                    if (!Dialect.isTransient(e) || attempt == ALONE_ATTEMPTS) {
                        break;
                    }
                    retries.incrementAndGet();
                    pause(attempt);
                }
            }
        }
    }

    /** A short random wait before running again, so two colliding writers fall out of step. */
    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5L * attempt + 2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Before a write after a failure, or after a pause of a second or more: replaces the
     * connection when it is known unusable, or when it is suspect or was idle and is no longer
     * valid (a database restart; a failover while the writer was idle, which the write would
     * otherwise be the one to find out), if a connector can open another.
     */
    private void prepareConnection(boolean afterPause) {
        if (connector == null || !(suspect || broken || afterPause)) {
            return;
        }
        if (!broken) {
            try {
                if (session.connection().isValid(2)) {
                    suspect = false;
                    return;
                }
            } catch (SQLException e) {
                // treated as unusable
            }
        }
        try {
            SqlSession fresh = connector.open();
            fresh.connection().setAutoCommit(false);
            SqlSession old = session;
            session = fresh;
            suspect = false;
            broken = false;
            old.close();
            reopened.log("{}: opened a new database connection in place of an unusable one", name);
        } catch (SQLException | RuntimeException e) {
            broken = true;
            lastFault = lastFault == null ? e : lastFault;
            connectionTrouble.log("{}: its database connection is unusable and a new one could not be opened: {}", name,
                    e.toString());
        }
    }

    private void rollback() {
        try {
            session.rollback();
        } catch (SQLException e) {
            // SQLite: the transaction was already rolled back by the engine (a full disk), and the
            // driver left the connection outside any transaction; PostgreSQL: the connection is lost.
            broken = true;
            lastFault = lastFault == null ? e : lastFault;
            connectionTrouble.log("{}: rollback failed, the connection will be replaced: {}", name, e.toString());
        }
    }

    /** Stops taking writes, finishes those already queued, and closes the connection. */
    @Override
    public void close() {
        closing = true;
        // Wakes the writer at once if it is idle; it finishes whatever is queued, then stops.
        queue.offer(new Pending<>(0, STOP, r -> { }));
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failLeftovers();
        if (!broken) {
            try {
                session.materialize(true);
            } catch (SQLException e) {
                log.warn("{}: materializing the log's tail at close failed (the log keeps it): {}", name, e.toString());
            }
        }
        session.close();
    }

    private void failLeftovers() {
        Pending<?> p;
        while ((p = queue.poll()) != null) {
            p.future.completeExceptionally(new ChatException(ChatException.Refusal.UNAVAILABLE, "store is closing"));
        }
    }

    /** Marks the end of the queue when closing. */
    private static final SqlTask<?> STOP = s -> null;

    private static final class Pending<T> {
        final long key;
        final SqlTask<T> task;
        final Consumer<? super T> afterCommit;
        final CompletableFuture<T> future = new CompletableFuture<>();
        T result;
        Throwable failure;

        Pending(long key, SqlTask<T> task, Consumer<? super T> afterCommit) {
            this.key = key;
            this.task = task;
            this.afterCommit = afterCommit;
        }

        void run(SqlSession s) throws Exception {
            if (task instanceof SqlTask.KeepsTail) {
                s.beforeTaskKeepingTail();
            } else if (!(task instanceof SqlTask.Append)) {
                s.beforeTask();
            }
            result = task.run(s);
        }

        void afterCommit() {
            if (failure == null) {
                try {
                    afterCommit.accept(result);
                } catch (RuntimeException e) {
                    log.error("after-commit hook failed", e);
                }
            }
        }

        void complete(RateLimitedLog failures, String writer) {
            try {
                if (failure == null) {
                    future.complete(result);
                } else if (failure instanceof ChatException ce) {
                    future.completeExceptionally(ce);
                } else {
                    failures.log("{}: write failed: {}", writer, failure.toString());
                    future.completeExceptionally(
                            new ChatException(ChatException.Refusal.UNAVAILABLE, "storage write failed"));
                }
            } catch (RuntimeException e) {
                log.error("a write's completion callback failed", e);
            }
        }
    }
}
