package dev.parley.server.auth;

import dev.parley.core.ChatException;
import dev.parley.core.account.PasswordHasher;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link PasswordHasher} on a small pool of its own: a fixed number of platform threads and
 * a bounded queue of waiting requests. Argon2 keeps a thread busy on a core for tens of
 * milliseconds; run on the virtual threads that also check tokens and read the store, a few
 * hundred concurrent logins occupied every carrier thread and every token check waited behind
 * them. Here they only compete for the CPU, which the OS shares.
 *
 * <p>When every thread is busy and the queue is full, a request is refused at once with
 * {@code UNAVAILABLE} (retry after a second) instead of waiting without bound. The caller blocks
 * until its hash is done; call it from a virtual thread.
 */
public final class HashingPool implements PasswordHasher, AutoCloseable {
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final PasswordHasher hasher;
    private final ThreadPoolExecutor pool;

    public HashingPool(PasswordHasher hasher, int threads, int queue) {
        this.hasher = hasher;
        BlockingQueue<Runnable> waiting = queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, waiting,
                Thread.ofPlatform().name("parley-hashing-", 0).daemon(true).factory(), new ThreadPoolExecutor.AbortPolicy());
    }

    @Override
    public String hash(String password) {
        return run(() -> hasher.hash(password));
    }

    @Override
    public boolean verify(String password, String encodedHash) {
        return run(() -> hasher.verify(password, encodedHash));
    }

    /** Requests waiting for a thread now. */
    public int queued() {
        return pool.getQueue().size();
    }

    private <T> T run(Callable<T> work) {
        Future<T> result;
        try {
            result = pool.submit(work);
        } catch (RejectedExecutionException e) {
            throw new ChatException(ChatException.Refusal.UNAVAILABLE,
                    "the node is busy checking passwords; try again shortly", RETRY_AFTER);
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new ChatException(ChatException.Refusal.UNAVAILABLE, "interrupted", RETRY_AFTER);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
