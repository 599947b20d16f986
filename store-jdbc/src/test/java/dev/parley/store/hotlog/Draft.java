package dev.parley.store.hotlog;

import java.util.ArrayList;
import java.util.List;

/** A record as a test appends it; {@link #at} is what the log should read back once it has an ordinal. */
record Draft(RecordKind kind, long conversation, long seq, long time, long sender, long device, String clientId,
             String body, TaggedRest rest) {

    static Draft text(long conversation, long seq, String clientId, String body) {
        return new Draft(RecordKind.TEXT, conversation, seq, 1_765_000_000_000L + seq, 1_000 + conversation,
                9_000 + conversation, clientId, body, TaggedRest.NONE);
    }

    LogEntry at(long ordinal) {
        return new LogEntry(kind, ordinal, conversation, seq, time, sender, device, clientId, body, rest);
    }

    /** Appends {@code drafts} as one batch; returns where each went. */
    static List<LogPosition> append(HotLog log, List<Draft> drafts) throws java.io.IOException {
        LogBatch b = log.batch();
        for (Draft d : drafts) {
            b.add(d.kind, d.conversation, d.seq, d.time, d.sender, d.device, d.clientId, d.body, d.rest);
        }
        log.append(b);
        List<LogPosition> at = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            at.add(b.position(i));
        }
        return at;
    }

    /** {@code count} texts, one per conversation round-robin over 7, numbered from {@code from}. */
    static List<Draft> texts(int from, int count) {
        List<Draft> drafts = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            drafts.add(text(i % 7 + 1, i, "c" + i, "message " + i + " " + "x".repeat(i % 50)));
        }
        return drafts;
    }
}
