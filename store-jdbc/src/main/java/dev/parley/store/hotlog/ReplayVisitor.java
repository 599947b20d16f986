package dev.parley.store.hotlog;

import java.io.IOException;

/**
 * Receives the records recovery reads past the mark, in log order (ordinals ascending, no gaps),
 * with where each is, so the log's owner can rebuild what it keeps in memory (last seqs, client
 * ids, tail views). Called on the thread that opens the log, before {@link HotLog#open} returns.
 */
@FunctionalInterface
public interface ReplayVisitor {
    ReplayVisitor NONE = (entry, at) -> { };

    void replayed(LogEntry entry, LogPosition at) throws IOException;
}
