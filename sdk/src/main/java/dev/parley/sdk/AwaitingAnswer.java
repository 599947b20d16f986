package dev.parley.sdk;

import java.util.Collection;

/**
 * A frame the SDK writes and then waits for the node to answer: a send (answered by {@code sent})
 * or a request with a rid (answered by {@code ok}). It survives reconnects: when not yet written
 * on the current connection and past its back-off it is due there, and when written longer ago
 * than the answer timeout it is written again. Confined to the SDK thread.
 */
abstract class AwaitingAnswer {
    int attempts;
    long notBeforeNanos;
    /** The connection it was last written to, or null while it waits to be written. */
    ChatSocket writtenOn;
    long writtenAtNanos;

    /** Not yet written on {@code socket}, and its back-off is over. */
    final boolean dueOn(ChatSocket socket, long nowNanos) {
        return writtenOn != socket && notBeforeNanos - nowNanos <= 0;
    }

    final void markWritten(ChatSocket socket, long nowNanos) {
        writtenOn = socket;
        writtenAtNanos = nowNanos;
    }

    /**
     * Marks those written longer than {@code timeoutNanos} ago and still unanswered as unwritten,
     * so they go out again; true if any was.
     */
    static boolean expire(Collection<? extends AwaitingAnswer> all, long nowNanos, long timeoutNanos) {
        boolean any = false;
        for (AwaitingAnswer a : all) {
            if (a.writtenOn != null && nowNanos - a.writtenAtNanos > timeoutNanos) {
                a.writtenOn = null;
                any = true;
            }
        }
        return any;
    }
}
