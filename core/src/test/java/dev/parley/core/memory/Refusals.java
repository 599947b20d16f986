package dev.parley.core.memory;

import dev.parley.core.ChatException;
import dev.parley.core.ChatException.Refusal;

import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a refused call answered, whether it threw or failed its future. */
public final class Refusals {
    private Refusals() {
    }

    public static Refusal of(Runnable call) {
        Throwable[] thrown = new Throwable[1];
        assertThatThrownBy(() -> {
            try {
                call.run();
            } catch (Throwable t) {
                thrown[0] = t;
                throw t;
            }
        }).isNotNull();
        Throwable t = thrown[0] instanceof CompletionException c ? c.getCause() : thrown[0];
        if (t instanceof ChatException e) {
            return e.refusal();
        }
        throw new AssertionError("expected a ChatException, got " + t, t);
    }

    public static Refusal ofFuture(Future<?> future) {
        return of(() -> ((java.util.concurrent.CompletableFuture<?>) future).join());
    }
}
