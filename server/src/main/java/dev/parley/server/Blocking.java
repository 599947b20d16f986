package dev.parley.server;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs blocking domain calls (store reads, password hashing) on virtual threads and hands the
 * result back to the calling event loop, so event loops never block.
 */
public final class Blocking {
    private static final ExecutorService VIRTUAL = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("parley-blocking-", 0).factory());

    private Blocking() {
    }

    public static ExecutorService executor() {
        return VIRTUAL;
    }

    /** Runs {@code work} on a virtual thread; the future completes on {@code context}. */
    public static <T> Future<T> run(Context context, Callable<T> work) {
        Promise<T> promise = Promise.promise();
        VIRTUAL.execute(() -> {
            try {
                T result = work.call();
                context.runOnContext(v -> promise.complete(result));
            } catch (Throwable t) {
                context.runOnContext(v -> promise.fail(t));
            }
        });
        return promise.future();
    }
}
