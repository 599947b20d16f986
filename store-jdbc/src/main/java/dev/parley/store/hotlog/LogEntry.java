package dev.parley.store.hotlog;

/**
 * One record of the log, as read back: a history entry and its ordinal (its number in the log,
 * dense from 1). {@code clientId} is "" for an entry without one; {@code device} is 0 for none;
 * an {@link RecordKind#ERASED} record has an empty body (its bytes are zeros on disk).
 * {@link #toString} leaves the body out: logs never contain message text.
 */
public record LogEntry(RecordKind kind, long ordinal, long conversation, long seq, long time, long sender,
                       long device, String clientId, String body, TaggedRest rest) {
    @Override
    public String toString() {
        return "LogEntry[" + kind + " #" + ordinal + " conversation " + conversation + " seq " + seq + " sender "
                + sender + " device " + device + " clientId '" + clientId + "', " + body.length() + " chars, rest "
                + rest + "]";
    }
}
