package dev.parley.store.hotlog;

import dev.parley.store.Durability;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Opening a log in a test: what recovery replayed, and where. Small segments, preallocation on the caller's thread. */
final class Replay implements ReplayVisitor {
    final List<LogEntry> entries = new ArrayList<>();
    final List<LogPosition> positions = new ArrayList<>();

    @Override
    public void replayed(LogEntry entry, LogPosition at) {
        entries.add(entry);
        positions.add(at);
    }

    /** 8 KiB segments, bodies to 1 KiB, rests to 256 bytes; preallocation runs where it is asked for. */
    static HotLogSettings small(Path dir, Durability durability) {
        return HotLogSettings.of(dir, durability).withBounds(1024, 256).withSegmentBytes(8 << 10)
                .withPreallocation(Runnable::run);
    }

    static List<LogEntry> expected(List<Draft> drafts, long firstOrdinal) {
        List<LogEntry> out = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            out.add(drafts.get(i).at(firstOrdinal + i));
        }
        return out;
    }

    /** Opens the log, closes it, returns what it replayed. */
    static Replay of(HotLogSettings settings, LogMark from) throws IOException {
        Replay r = new Replay();
        HotLog.open(settings, from, r).close();
        return r;
    }
}
