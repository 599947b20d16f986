package dev.parley.core.memory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose delayed tasks run only when the test says time has passed ({@link #runDue}),
 * by the given clock: timers without sleeping. Plain {@code execute} runs at once.
 */
public final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final Clock clock;
    private final List<Task> tasks = new ArrayList<>();

    public ManualScheduler(Clock clock) {
        this.clock = clock;
    }

    private final class Task implements ScheduledFuture<Object> {
        final Runnable work;
        final long dueAt;
        boolean cancelled;
        boolean done;

        Task(Runnable work, long dueAt) {
            this.work = work;
            this.dueAt = dueAt;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueAt - clock.millis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.MILLISECONDS), o.getDelay(TimeUnit.MILLISECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterrupt) {
            synchronized (ManualScheduler.this) {
                if (done) {
                    return false;
                }
                cancelled = true;
                tasks.remove(this);
                return true;
            }
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return done || cancelled;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException("tests do not wait on timers");
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException("tests do not wait on timers");
        }
    }

    @Override
    public synchronized ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Task t = new Task(command, clock.millis() + unit.toMillis(delay));
        tasks.add(t);
        return t;
    }

    /** Runs every task due by the clock now, earliest first (tasks they schedule run if due too). */
    public void runDue() {
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> t.dueAt <= clock.millis()).min(Comparator.comparingLong(t -> t.dueAt))
                        .orElse(null);
                if (next == null) {
                    return;
                }
                tasks.remove(next);
                next.done = true;
            }
            next.work.run();
        }
    }

    public synchronized int pending() {
        return tasks.size();
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void execute(Runnable command) {
        command.run();
    }

    @Override
    public void shutdown() {
    }

    @Override
    public List<Runnable> shutdownNow() {
        return List.of();
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }
}
