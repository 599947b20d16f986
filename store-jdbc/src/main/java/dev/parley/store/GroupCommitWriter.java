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
        Pending<T> p = new Pending<>(task);
        if (closing) {
            p.future.completeExceptionally(new ChatException(ChatException.Refusal.UNAVAILABLE, "store is closing"));
        } else if (!queue.offer(p)) {
            p.future.completeExceptionally(new ChatException(ChatException.Refusal.UNAVAILABLE, "store is overloaded"));
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
                runBatch(batch);
            } catch (InterruptedException e) {
                if (closing) {
                    return;
                }
            } catch (RuntimeException | Error e) {
                log.error("writer loop failed; failing the batch", e);
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
        } catch (Exception first) {
            rollback();
            if (batch.size() == 1) {
                batch.getFirst().failure = first;
            } else {
                runAlone(batch);
            }
        }
        batches.incrementAndGet();
        tasks.addAndGet(batch.size());
        batchListener.accept(batch.size());
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
            } catch (Exception e) {
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
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        session.close();
    }

    private static final class Pending<T> {
        final SqlTask<T> task;
        final CompletableFuture<T> future = new CompletableFuture<>();
        T result;
        Exception failure;

        Pending(SqlTask<T> task) {
            this.task = task;
        }

        void run(SqlSession s) throws Exception {
            result = task.run(s);
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
