package dev.parley.server.pull;

import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.sync.SyncPage;
import dev.parley.server.Blocking;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One long poll: reads the page, and while it is empty waits (a Vert.x timer, no thread) until an
 * entry or a receipt of its user arrives or the wait ends, then reads again. It is registered for
 * the user's events before its first read, so an entry committed after that read wakes it and one
 * committed before is in it: nothing falls between. A wake-up during a read makes it read once
 * more. At the deadline it reads a last time and answers whatever there is.
 *
 * <p>All state is touched on the request's event loop only; {@link #event} and {@link #end} may
 * be called from any thread and hop onto it.
 */
public final class SyncWait implements PullWaiters.Waiter {
    /** Receipts held while waiting; past this the poll answers at once. */
    static final int MAX_HELD_RECEIPTS = 1_000;

    private final Vertx vertx;
    private final Context context;
    private final Callable<SyncPage> read;
    private final BiConsumer<SyncPage, List<ChatEvent.ReceiptMoved>> answer;
    private final Consumer<Throwable> failed;
    private final MovedReceipts moved = new MovedReceipts();
    private long timer = -1;
    private boolean reading;
    private boolean again;
    private boolean last;
    private boolean done;

    public SyncWait(Vertx vertx, Context context, Callable<SyncPage> read,
                    BiConsumer<SyncPage, List<ChatEvent.ReceiptMoved>> answer, Consumer<Throwable> failed) {
        this.vertx = vertx;
        this.context = context;
        this.read = read;
        this.answer = answer;
        this.failed = failed;
    }

    /** Starts on the request's loop: reads now, and answers at the latest after {@code waitMillis}. */
    public void start(long waitMillis) {
        timer = vertx.setTimer(Math.max(1, waitMillis), t -> {
            timer = -1;
            last = true;
            readNow();
        });
        readNow();
    }

    @Override
    public void event(ChatEvent event) {
        context.runOnContext(v -> {
            if (done) {
                return;
            }
            if (event instanceof ChatEvent.ReceiptMoved r) {
                moved.add(r);
                if (moved.size() >= MAX_HELD_RECEIPTS) {
                    last = true;
                }
            }
            readNow();
        });
    }

    @Override
    public void end() {
        context.runOnContext(v -> {
            last = true;
            readNow();
        });
    }

    /** The client went away: stop without answering. */
    public void cancel() {
        done = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    public boolean done() {
        return done;
    }

    private void readNow() {
        if (done) {
            return;
        }
        if (reading) {
            again = true;
            return;
        }
        reading = true;
        Blocking.run(context, read).onComplete(ar -> {
            reading = false;
            if (done) {
                return;
            }
            if (ar.failed()) {
                cancel();
                failed.accept(ar.cause());
                return;
            }
            SyncPage page = ar.result();
            if (!page.isEmpty() || !moved.isEmpty() || last) {
                cancel();
                answer.accept(page, moved.list());
            } else if (again) {
                again = false;
                readNow();
            }
        });
    }
}
