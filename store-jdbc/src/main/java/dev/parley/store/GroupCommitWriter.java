package dev.parley.store;

import dev.parley.core.ChatException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
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
 * <p>The queue is bounded: when it is full, {@link #submit} fails at once with UNAVAILABLE
 * instead of letting memory grow under overload.
 */
public final class GroupCommitWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitWriter.class);

    private final SqlSession session;
    private final int maxBatch;
    private final BlockingQueue<Pending<?>> queue;
    private final Thread thread;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong tasks = new AtomicLong();
    private volatile IntConsumer batchListener = n -> { };
    private volatile boolean closing;

    public GroupCommitWriter(SqlSession session, String name, int maxBatch, int queueCapacity) throws SQLException {
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

    public <T> CompletableFuture<T> submit(SqlTask<T> task) {
        return submit(task, r -> { });
    }

    /**
     * Queues a write. {@code afterCommit} runs on the writer thread once the write is committed,
     * before its future (and any later write's) completes.
     */
    public <T> CompletableFuture<T> submit(SqlTask<T> task, Consumer<? super T> afterCommit) {
        Pending<T> p = new Pending<>(task, afterCommit);
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
        try {
            for (Pending<?> p : batch) {
                p.run(session);
            }
            session.connection().commit();
        } catch (Throwable first) {
            rollback();
            if (batch.size() == 1) {
                batch.getFirst().failure = first;
            } else {
                runAlone(batch);
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

    private void runAlone(List<Pending<?>> batch) {
        for (Pending<?> p : batch) {
            try {
                p.failure = null;
                p.run(session);
                session.connection().commit();
            } catch (Throwable e) {
                rollback();
                p.failure = e;
            }
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
        queue.offer(new Pending<>(STOP, r -> { }));
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
        final SqlTask<T> task;
        final Consumer<? super T> afterCommit;
        final CompletableFuture<T> future = new CompletableFuture<>();
        T result;
        Throwable failure;

        Pending(SqlTask<T> task, Consumer<? super T> afterCommit) {
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
