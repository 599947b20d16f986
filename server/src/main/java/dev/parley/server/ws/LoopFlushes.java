package dev.parley.server.ws;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The end-of-turn flushes of one event loop's connections, run by one task per turn rather than
 * one task per connection: a fan-out writes to hundreds of connections of a loop in one mailbox
 * drain, and a task each cost an offer and a poll of the loop's task queue per delivery (a tenth
 * of an event loop's Java time in a 1,024-member fan-out profile). The task is queued at the first
 * flush asked for, so every connection written to before it runs (in the current task or in any
 * task queued before it) is flushed by it, no later than its own task would have.
 *
 * <p>While the loop writes many frames ({@link FlushPacing}), the task is scheduled to run no
 * sooner than a few milliseconds after the loop's previous flush instead of at the end of the
 * turn, so that a connection getting a frame every few milliseconds gets several per write.
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

    private final FlushPacing pacing = FlushPacing.ofThisJvm(System.nanoTime());
    private ArrayList<Runnable> pending = new ArrayList<>();
    private ArrayList<Runnable> running = new ArrayList<>();
    private boolean scheduled;

    private LoopFlushes() {
    }

    /** The flushes of the loop whose thread this is. */
    static LoopFlushes ofThisLoop() {
        return OF_LOOP.get();
    }

    /**
     * One frame written (flushed or not) to a connection of this loop, what "busy" counts; the
     * connection passes and keeps the window number this returns ({@link FlushPacing#wrote}).
     */
    int wrote(int connectionsWindow) {
        return pacing.wrote(connectionsWindow);
    }

    /**
     * On {@code loop}'s thread: runs {@code flush} at the end of the current task, or, while the
     * loop is busy, once its pacing interval has passed since its previous flush.
     */
    void add(Runnable flush, EventLoop loop) {
        pending.add(flush);
        if (!scheduled) {
            scheduled = true;
            long delay = pacing.delayNanos(System.nanoTime());
            if (delay <= 0) {
                loop.execute(this);
            } else {
                loop.schedule(this, delay, TimeUnit.NANOSECONDS);
            }
        }
    }

    @Override
    public void run() {
        scheduled = false;
        pacing.flushed(System.nanoTime());
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
