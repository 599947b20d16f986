package dev.parley.store;

import dev.parley.core.ChatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>Given a {@link Connector}, the writer replaces its connection when it finds it broken after
 * a failed batch (a database restart): the writes that failed on the broken connection fail with
 * UNAVAILABLE, and later ones go to the new connection.
 *
 * <p>The queue is bounded: when it is full, {@link #submit} fails at once with UNAVAILABLE
 * instead of letting memory grow under overload.
 */
public final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

    private static final int BATCH_ATTEMPTS = 4;
    private static final int ALONE_ATTEMPTS = 8;

    /** Opens the writer's connection, set up for writing; called again when it is found broken. */
    @FunctionalInterface
    public interface Connector {
        SqlSession open() throws SQLException;
    }

    private final Connector connector;
    private volatile SqlSession session;
    private boolean suspect;
    private final int maxBatch;
    private final BlockingQueue<Pending<?>> queue;
    private final Thread thread;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong tasks = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private volatile IntConsumer batchListener = n -> { };
    private volatile SqlTask<?> betweenBatches = s -> null;
    private volatile boolean closing;

    /** A writer on a fixed connection (SQLite: a file does not go away under a running process). */
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
        this.maxBatch = maxBatch;
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        session.connection().setAutoCommit(false);
        this.thread = Thread.ofPlatform().name(name).daemon(false).unstarted(this::loop);
        thread.start();
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
                Pending<?> first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing && queue.isEmpty()) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, maxBatch - 1);
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
        reconnectIfBroken();
        List<Pending<?>> order = new ArrayList<>(batch);
        order.sort(Comparator.comparingLong(p -> p.key));
        Throwable failure = runTogether(order);
        for (int attempt = 1; failure != null && Dialect.isTransient(failure) && attempt < BATCH_ATTEMPTS; attempt++) {
            retries.incrementAndGet();
            pause(attempt);
            failure = runTogether(order);
        }
        if (failure != null) {
            suspect = true;
            if (order.size() == 1) {
                order.getFirst().failure = failure;
            } else {
                runAlone(order);
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
            p.complete();
        }
    }

    private void runBetweenBatches() {
        try {
            betweenBatches.run(session);
        } catch (Exception e) {
            log.warn("{}: housekeeping between batches failed: {}", thread.getName(), e.toString());
            rollback();
        }
    }

    /** Runs the tasks in one transaction and commits; returns what failed, after rolling back. */
    private Throwable runTogether(List<Pending<?>> order) {
        try {
            for (Pending<?> p : order) {
                p.failure = null;
                p.run(session);
            }
            session.connection().commit();
            return null;
        } catch (Throwable e) {
            rollback();
            return e;
        }
    }

    private void runAlone(List<Pending<?>> order) {
        for (Pending<?> p : order) {
            for (int attempt = 1; ; attempt++) {
                try {
                    p.failure = null;
                    p.run(session);
                    session.connection().commit();
                    break;
                } catch (Throwable e) {
                    rollback();
                    p.failure = e;
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

    /** After a failed batch, replaces the connection if it is broken and a connector can open another. */
    private void reconnectIfBroken() {
        if (!suspect || connector == null) {
            return;
        }
        try {
            if (session.connection().isValid(2)) {
                suspect = false;
                return;
            }
        } catch (SQLException e) {
            // treated as broken
        }
        try {
            SqlSession fresh = connector.open();
            fresh.connection().setAutoCommit(false);
            SqlSession broken = session;
            session = fresh;
            suspect = false;
            broken.close();
            log.info("{}: reopened its broken database connection", thread.getName());
        } catch (SQLException | RuntimeException e) {
            log.warn("{}: its database connection is broken and could not be reopened: {}", thread.getName(),
                    e.toString());
        }
    }

    private void rollback() {
        try {
            session.connection().rollback();
        } catch (SQLException e) {
            log.error("rollback failed", e);
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

        void complete() {
            try {
                if (failure == null) {
                    future.complete(result);
                } else if (failure instanceof ChatException ce) {
                    future.completeExceptionally(ce);
                } else {
                    log.warn("write failed: {}", failure.toString());
                    future.completeExceptionally(
                            new ChatException(ChatException.Refusal.UNAVAILABLE, "storage write failed"));
                }
            } catch (RuntimeException e) {
                log.error("a write's completion callback failed", e);
            }
        }
    }
}
