package dev.parley.core.sync;

import dev.parley.core.message.Message;

import java.util.List;

/**
 * What the store holds of one conversation after a device's position: what a gap fill or one
 * chunk of a catch-up gets back from {@link CatchUpReader#backlog}.
 */
public sealed interface Backlog {

    /** Entries in seq order, the first one right after the position asked from; none skipped at the start. */
    record Entries(List<Message> entries) implements Backlog {
        public Entries {
            entries = List.copyOf(entries);
        }

        public long last() {
            return entries.getLast().seq();
        }
    }

    /**
     * The device cannot be given a gap-free copy entry by entry: more than the catch-up limit is
     * missing, or retention deleted the entries right after its position. It reloads the
     * conversation and continues from {@code latestSeq}.
     */
    record Resync(long latestSeq) implements Backlog {
    }

    /**
     * The store holds nothing after the position up to where it was asked: a replica that has not
     * caught up with an entry routed to the device yet, or retention deleted all of it.
     */
    record Nothing() implements Backlog {
    }
}
