package dev.parley.server;

import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the process on {@link OutOfMemoryError}, wherever it surfaces, so that a supervisor
 * restarts the node instead of it lingering alive but unable to serve. Nothing is lost by it:
 * every confirmed message is committed before its confirmation, as for a SIGKILL.
 *
 * <p>{@code -XX:+ExitOnOutOfMemoryError} (which {@code ./parley} passes) covers the errors the JVM
 * itself throws (heap, metaspace). Direct memory is refused by Java code (Netty's pooled
 * allocator, {@code java.nio.Bits}), whose error the JVM flag never sees: Netty reports it to the
 * connection whose read or write failed, Vert.x to a context's exception handler. Those places
 * call {@link #haltIfOutOfMemory}, and so does every thread that dies of one.
 */
public final class OutOfMemoryExit {
    private static final Logger log = LoggerFactory.getLogger(OutOfMemoryExit.class);
    /** The status {@code -XX:+ExitOnOutOfMemoryError} exits with. */
    public static final int STATUS = 3;

    private OutOfMemoryExit() {
    }

    /** Watches the threads of this process and the contexts of {@code vertx}. */
    public static void install(Vertx vertx) {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, t) -> {
            haltIfOutOfMemory(t);
            if (previous != null) {
                previous.uncaughtException(thread, t);
            } else {
                log.error("uncaught exception in thread {}", thread.getName(), t);
            }
        });
        vertx.exceptionHandler(t -> {
            haltIfOutOfMemory(t);
            log.error("unhandled exception on an event loop", t);
        });
    }

    /** Halts the process if {@code t} is, or was caused by, an {@link OutOfMemoryError}. */
    public static void haltIfOutOfMemory(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof OutOfMemoryError oom) {
                halt(oom);
            }
        }
    }

    private static void halt(OutOfMemoryError oom) {
        try {
            // No logger: it may need memory there is none of. Halt, not exit: shutdown hooks
            // would try to drain connections with no memory to do it.
            System.err.println("parley: out of memory (" + oom.getMessage() + "); exiting so the node can be restarted");
            System.err.flush();
        } finally {
            Runtime.getRuntime().halt(STATUS);
        }
    }
}
