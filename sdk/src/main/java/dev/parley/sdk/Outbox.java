package dev.parley.sdk;

import dev.parley.protocol.ClientFrame;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends that the node has not confirmed yet, in the order they were made. A send stays here until
 * its {@code sent} (or its own entry) arrives or the node refuses it for good; across reconnects
 * it goes out again under the same client id, which the node answers with the original
 * confirmation.
 *
 * <p>Flow control: at most {@link #window()} sends are in flight on a connection. A
 * {@code rate_limited} answer drops the window to one and it grows by one per confirmation,
 * so a client over its allowance settles at the node's rate instead of retrying in a storm.
 * Confined to the SDK thread.
 */
final class Outbox {
    static final int INITIAL_WINDOW = 64;
    static final int MAX_WINDOW = 256;

    /** One unconfirmed send: a message or an action, written as {@code frame}. */
    static final class PendingSend extends AwaitingAnswer {
        final long conversationId;
        final String clientId;
        final ClientFrame frame;
        final CompletableFuture<SentMessage> future;

        /** The files a message carries, to make this device's own copy of the entry with them. */
        final java.util.List<Attachment> attachments;

        PendingSend(long conversationId, String clientId, ClientFrame frame, CompletableFuture<SentMessage> future) {
            this(conversationId, clientId, frame, java.util.List.of(), future);
        }

        PendingSend(long conversationId, String clientId, ClientFrame frame, java.util.List<Attachment> attachments,
                    CompletableFuture<SentMessage> future) {
            this.conversationId = conversationId;
            this.clientId = clientId;
            this.frame = frame;
            this.attachments = java.util.List.copyOf(attachments);
            this.future = future;
        }
    }

    private record Key(long conversationId, String clientId) {
    }

    private final LinkedHashMap<Key, PendingSend> pending = new LinkedHashMap<>();
    private int window = INITIAL_WINDOW;

    int window() {
        return window;
    }

    int size() {
        return pending.size();
    }

    /** The pending send with this client id in this conversation, or null. */
    PendingSend find(long conversationId, String clientId) {
        return pending.get(new Key(conversationId, clientId));
    }

    void add(PendingSend send) {
        pending.put(new Key(send.conversationId, send.clientId), send);
    }

    /** Removes the send (confirmed or refused for good); its slot of the window is free again. */
    PendingSend remove(long conversationId, String clientId) {
        return pending.remove(new Key(conversationId, clientId));
    }

    void confirmed() {
        window = Math.min(MAX_WINDOW, window + 1);
    }

    void rateLimited() {
        window = 1;
    }

    /**
     * The sends to write on {@code socket} now, marked as written: those not yet on it whose
     * wait is over, as far as the window allows.
     */
    List<PendingSend> due(ChatSocket socket, long nowNanos) {
        int inFlight = 0;
        for (PendingSend p : pending.values()) {
            if (p.writtenOn == socket) {
                inFlight++;
            }
        }
        List<PendingSend> out = new ArrayList<>();
        for (PendingSend p : pending.values()) {
            if (inFlight >= window) {
                break;
            }
            if (p.dueOn(socket, nowNanos)) {
                p.markWritten(socket, nowNanos);
                inFlight++;
                out.add(p);
            }
        }
        return out;
    }

    /** The earliest time a waiting send may go out, or {@code Long.MAX_VALUE} when none waits. */
    long nextDueNanos(ChatSocket socket, long nowNanos) {
        long next = Long.MAX_VALUE;
        for (PendingSend p : pending.values()) {
            if (p.writtenOn != socket && p.notBeforeNanos - nowNanos > 0) {
                next = Math.min(next, p.notBeforeNanos);
            }
        }
        return next;
    }

    /**
     * Marks sends written longer than {@code timeoutNanos} ago and still unanswered as unwritten,
     * so they go out again (a refusal the node could not attribute, for one, names no client id).
     */
    boolean expire(long nowNanos, long timeoutNanos) {
        return AwaitingAnswer.expire(pending.values(), nowNanos, timeoutNanos);
    }

    /** Each pending send: its client id, where it was written, how long ago, its wait, attempts. */
    String describe(ChatSocket current, long nowNanos) {
        StringBuilder b = new StringBuilder();
        for (PendingSend p : pending.values()) {
            b.append(p.clientId).append(": ");
            if (p.writtenOn == null) {
                b.append("unwritten");
            } else {
                b.append(p.writtenOn == current ? "on this connection " : "on an earlier connection ")
                        .append((nowNanos - p.writtenAtNanos) / 1_000_000).append(" ms ago");
            }
            b.append(", due in ").append(Math.max(0, (p.notBeforeNanos - nowNanos) / 1_000_000)).append(" ms, attempts ")
                    .append(p.attempts).append("; ");
        }
        return b.toString();
    }

    /** Removes and returns every pending send (the client is stopping). */
    Collection<PendingSend> drain() {
        List<PendingSend> all = new ArrayList<>(pending.values());
        pending.clear();
        return all;
    }
}
