package dev.parley.server.ws;

import io.netty.util.concurrent.FastThreadLocal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.concurrent.Executor;

/**
 * The end-of-turn flushes of one event loop's connections, run by one task per turn rather than
 * one task per connection: a fan-out writes to hundreds of connections of a loop in one mailbox
 * drain, and a task each cost an offer and a poll of the loop's task queue per delivery (a tenth
 * of an event loop's Java time in a 1,024-member fan-out profile). The task is queued at the first
 * flush asked for, so every connection written to before it runs (in the current task or in any
 * task queued before it) is flushed by it, no later than its own task would have.
 *
 * <p>Threading: one per event loop thread ({@link FastThreadLocal}); use it only on the loop.
 */
final class LoopFlushes implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(LoopFlushes.class);
    private static final FastThreadLocal<LoopFlushes> OF_LOOP = new FastThreadLocal<>() {
        @Override
        protected LoopFlushes initialValue() {
            return new LoopFlushes();
        }
    };

    private ArrayList<Runnable> pending = new ArrayList<>();
    private ArrayList<Runnable> running = new ArrayList<>();
    private boolean scheduled;

    private LoopFlushes() {
    }

    /** On {@code loop}'s thread: runs {@code flush} at the end of the current task. */
    static void add(Runnable flush, Executor loop) {
        OF_LOOP.get().queue(flush, loop);
    }

    private void queue(Runnable flush, Executor loop) {
        pending.add(flush);
        if (!scheduled) {
            scheduled = true;
            loop.execute(this);
        }
    }

    @Override
    public void run() {
        scheduled = false;
        // Flushes asked for while these run (a writability change that writes) go to the next task.
        ArrayList<Runnable> now = pending;
        pending = running;
        running = now;
        try {
            for (Runnable r : now) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    // One connection's fault must not keep the others' bytes back.
                    log.warn("flush failed: {}", e.toString());
                }
            }
        } finally {
            now.clear();
        }
    }
}
