package dev.parley.store.hotlog;

import dev.parley.store.Durability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Appending, reading back, rolling, restarting and failing writes, on real files. */
class HotLogTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(Durability.class)
    void appendedRecordsReadBackByPositionAndReplayAfterARestart(Durability durability) throws IOException {
        HotLogSettings settings = Replay.small(dir, durability);
        List<Draft> drafts = new ArrayList<>(Draft.texts(1, 5));
        drafts.add(new Draft(RecordKind.REACTION_ADDED, 2, 6, 77, 1002, 0, "r-1", "👍", TaggedRest.of(new byte[] {3})));
        drafts.add(new Draft(RecordKind.MEMBERS_ADDED, 3, 7, 78, 1003, 5, "", "", TaggedRest.of(new byte[64])));
        List<LogPosition> at;
        try (HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE)) {
            assertThat(log.nextOrdinal()).isEqualTo(1);
            at = Draft.append(log, drafts);
            assertThat(log.nextOrdinal()).isEqualTo(8);
            for (int i = 0; i < drafts.size(); i++) {
                assertThat(log.read(at.get(i))).contains(drafts.get(i).at(i + 1));
            }
            assertThat(at.getFirst()).isEqualTo(new LogPosition(1, SegmentHeader.BYTES));
            assertThat(log.end().offset()).isGreaterThan(at.getLast().offset());
        }
        assertThat(dir.resolve("00000000000000000001.log")).exists();

        Replay r = Replay.of(settings, LogMark.START);
        assertThat(r.entries).isEqualTo(Replay.expected(drafts, 1));
        assertThat(r.positions).isEqualTo(at);
    }

    @Test
    void aRestartContinuesTheOrdinalsWhereTheLogEnded() throws IOException {
        HotLogSettings settings = Replay.small(dir, Durability.FSYNC);
        try (HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE)) {
            Draft.append(log, Draft.texts(1, 3));
            Draft.append(log, Draft.texts(4, 2));
        }
        LogPosition fourth;
        try (HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE)) {
            assertThat(log.replayed()).isEqualTo(5);
            assertThat(log.nextOrdinal()).isEqualTo(6);
            List<LogPosition> at = Draft.append(log, Draft.texts(6, 2));
            assertThat(log.nextOrdinal()).isEqualTo(8);
            fourth = at.getFirst();
        }
        Replay all = Replay.of(settings, LogMark.START);
        assertThat(all.entries).isEqualTo(Replay.expected(Draft.texts(1, 7), 1));

        // From a mark: only what follows it, by ordinal alone or by its position.
        Replay fromOrdinal = Replay.of(settings, new LogMark(6, null));
        assertThat(fromOrdinal.entries).isEqualTo(Replay.expected(Draft.texts(6, 2), 6));
        Replay fromPosition = Replay.of(settings, new LogMark(6, fourth));
        assertThat(fromPosition.entries).isEqualTo(fromOrdinal.entries);
    }

    @Test
    void batchesRollIntoNewSegmentsWholeAndTheLogReadsAcrossThem() throws IOException {
        HotLogSettings settings = Replay.small(dir, Durability.OS);
        List<Draft> all = new ArrayList<>();
        List<LogPosition> positions = new ArrayList<>();
        try (HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE)) {
            for (int batch = 0; batch < 80; batch++) {
                List<Draft> drafts = Draft.texts(all.size() + 1, 1 + batch % 9);
                List<LogPosition> at = Draft.append(log, drafts);
                // One batch, one segment.
                assertThat(at).extracting(LogPosition::segment).containsOnly(at.getFirst().segment());
                all.addAll(drafts);
                positions.addAll(at);
            }
            assertThat(log.segments().size()).isGreaterThan(3);
            // Each segment is named by its first record's ordinal.
            for (long first : log.segments()) {
                assertThat(positions.get((int) first - 1)).isEqualTo(new LogPosition(first, SegmentHeader.BYTES));
                assertThat(Files.size(dir.resolve(String.format("%020d.log", first)))).isEqualTo(8 << 10);
            }
            try (LogReading reading = log.reading()) {
                for (int i = 0; i < all.size(); i += 5) {
                    assertThat(reading.read(positions.get(i))).isEqualTo(all.get(i).at(i + 1));
                }
            }
        }
        Replay r = Replay.of(settings, LogMark.START);
        assertThat(r.entries).isEqualTo(Replay.expected(all, 1));
        assertThat(r.positions).isEqualTo(positions);
    }

    @Test
    void theNextSegmentIsPreallocatedBeforeItIsNeeded() throws IOException {
        Queue<Runnable> preallocation = new ArrayDeque<>();
        HotLogSettings settings = Replay.small(dir, Durability.FSYNC).withPreallocation(preallocation::add);
        Path spare = dir.resolve(SegmentFiles.SPARE);
        try (HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE)) {
            // The first segment was made at open; the spare is asked for and not made yet.
            assertThat(preallocation).hasSize(1);
            assertThat(spare).doesNotExist();
            preallocation.poll().run();
            assertThat(spare).exists();
            assertThat(Files.size(spare)).isEqualTo(8 << 10);
            assertThat(Files.readAllBytes(spare)).containsOnly(0);

            long segmentsBefore = log.segments().size();
            while (log.segments().size() == segmentsBefore) {
                Draft.append(log, Draft.texts((int) log.nextOrdinal(), 4));
            }
            // The roll took the spare that was ready: no wait, no zeroing on the writer's thread.
            assertThat(log.spareMisses()).isZero();
            assertThat(spare).doesNotExist();
            assertThat(preallocation).hasSize(1);
            preallocation.poll().run();
            assertThat(spare).exists();
        }
        assertThat(spare).doesNotExist();
    }

    @Test
    void theLogsOwnPreallocationThreadServesItsRolls() throws IOException {
        HotLogSettings settings = Replay.small(dir, Durability.FSYNC).withPreallocation(null);
        List<Draft> all = new ArrayList<>();
        try (HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE)) {
            while (log.segments().size() < 4) {
                List<Draft> drafts = Draft.texts(all.size() + 1, 5);
                Draft.append(log, drafts);
                all.addAll(drafts);
            }
        }
        assertThat(dir.resolve(SegmentFiles.SPARE)).doesNotExist();
        assertThat(Replay.of(Replay.small(dir, Durability.FSYNC), LogMark.START).entries)
                .isEqualTo(Replay.expected(all, 1));
    }

    @Test
    void aRollWhoseSpareFailedToBeMadeMakesOneItselfAndCountsIt() throws IOException {
        boolean[] diskFull = {false};
        SegmentOpener opener = (file, create) -> {
            if (diskFull[0] && file.endsWith(SegmentFiles.SPARE)) {
                throw new IOException("No space left on device (simulated)");
            }
            return SegmentOpener.FILES.open(file, create);
        };
        HotLogSettings settings = Replay.small(dir, Durability.OS).withOpener(opener);
        try (HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE)) {
            diskFull[0] = true;
            appendUntilRoll(log); // takes the spare made at open; making the next one fails
            assertThat(log.spareMisses()).isZero();
            diskFull[0] = false;
            appendUntilRoll(log);
            assertThat(log.spareMisses()).isEqualTo(1);

            diskFull[0] = true;
            appendUntilRoll(log);
            // Full for the roll itself: the batch fails, the log stays where it was.
            long next = log.nextOrdinal();
            LogPosition end = log.end();
            assertThatThrownBy(() -> appendUntilRoll(log)).isInstanceOf(IOException.class);
            assertThat(log.end().segment()).isEqualTo(end.segment());
            diskFull[0] = false;
            appendUntilRoll(log);
            assertThat(log.nextOrdinal()).isGreaterThan(next);
        }
        Replay r = Replay.of(Replay.small(dir, Durability.OS), LogMark.START);
        assertThat(r.entries).extracting(LogEntry::ordinal).isEqualTo(
                java.util.stream.LongStream.rangeClosed(1, r.entries.size()).boxed().toList());
    }

    /** The small test settings on a disk that fails when told to. */
    private HotLogSettings on(FailingChannel.Disk disk, Durability durability) {
        return Replay.small(dir, durability).withOpener(FailingChannel.opener(disk));
    }

    private static void appendUntilRoll(HotLog log) throws IOException {
        int segments = log.segments().size();
        while (log.segments().size() == segments) {
            Draft.append(log, Draft.texts((int) log.nextOrdinal(), 4));
        }
    }

    @ParameterizedTest
    @EnumSource(Durability.class)
    void aFailedWriteFailsTheBatchAndTheNextIsWrittenAtTheSameOffset(Durability durability) throws IOException {
        FailingChannel.Disk disk = new FailingChannel.Disk();
        HotLogSettings settings = on(disk, durability);
        List<Draft> first = Draft.texts(1, 3);
        List<Draft> failed = List.of(Draft.text(1, 100, "lost-1", "never acknowledged"),
                Draft.text(2, 101, "lost-2", "never acknowledged either"));
        List<Draft> third = Draft.texts(4, 1);
        try (HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE)) {
            Draft.append(log, first);
            LogPosition end = log.end();

            disk.failWrites = true;
            disk.partialBytes = 100_000; // the whole batch reaches the file, then the error
            assertThatThrownBy(() -> Draft.append(log, failed)).isInstanceOf(IOException.class);
            assertThat(log.end()).isEqualTo(end);
            assertThat(log.nextOrdinal()).isEqualTo(4);

            disk.failWrites = false;
            List<LogPosition> at = Draft.append(log, third);
            assertThat(at.getFirst()).isEqualTo(end);
            assertThat(log.read(end)).contains(third.getFirst().at(4));
        }
        List<Draft> kept = new ArrayList<>(first);
        kept.addAll(third);
        assertThat(Replay.of(Replay.small(dir, durability), LogMark.START).entries).isEqualTo(Replay.expected(kept, 1));
    }

    @Test
    void aFailedSyncFailsTheBatchAndLeavesNothingOfIt() throws IOException {
        FailingChannel.Disk disk = new FailingChannel.Disk();
        HotLogSettings settings = on(disk, Durability.FSYNC);
        try (HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE)) {
            Draft.append(log, Draft.texts(1, 2));
            disk.failForce = true;
            assertThatThrownBy(() -> Draft.append(log, Draft.texts(3, 4))).isInstanceOf(IOException.class);
            disk.failForce = false;
            assertThat(log.nextOrdinal()).isEqualTo(3);
        }
        assertThat(Replay.of(Replay.small(dir, Durability.FSYNC), LogMark.START).entries)
                .isEqualTo(Replay.expected(Draft.texts(1, 2), 1));
    }

    @Test
    void aLongerFailedBatchIsCoveredByAShorterNextOne() throws IOException {
        // The failed batch's records past the next batch's end would otherwise follow it with the
        // ordinals due: the next write pads itself with zeros over them.
        FailingChannel.Disk disk = new FailingChannel.Disk();
        HotLogSettings settings = on(disk, Durability.OS);
        try (HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE)) {
            Draft.append(log, Draft.texts(1, 1));
            disk.failWrites = true;
            disk.partialBytes = 100_000;
            disk.landing = 1; // the batch reaches the file; the zeros meant to undo it do not
            // Same-size records, so the failed ones sit exactly where the next ones' successors would.
            List<Draft> same = List.of(Draft.text(1, 2, "c2", "same size"), Draft.text(1, 3, "c3", "same size"),
                    Draft.text(1, 4, "c4", "same size"));
            assertThatThrownBy(() -> Draft.append(log, same)).isInstanceOf(IOException.class);
            // The immediate zeroing failed too (the disk still fails); it is done by the next write.
            assertThat(disk.failures.get()).isEqualTo(2);
            disk.failWrites = false;
            Draft.append(log, same.subList(0, 1));
        }
        assertThat(Replay.of(Replay.small(dir, Durability.OS), LogMark.START).entries).extracting(LogEntry::ordinal)
                .containsExactly(1L, 2L);
    }

    @Test
    void aFailedBatchLeftOnDiskIsZeroedAtClose() throws IOException {
        FailingChannel.Disk disk = new FailingChannel.Disk();
        HotLogSettings settings = on(disk, Durability.OS);
        HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE);
        Draft.append(log, Draft.texts(1, 2));
        disk.failWrites = true;
        disk.partialBytes = 100_000;
        disk.landing = 1;
        assertThatThrownBy(() -> Draft.append(log, Draft.texts(3, 3))).isInstanceOf(IOException.class);
        disk.failWrites = false;
        log.close();
        assertThat(Replay.of(Replay.small(dir, Durability.OS), LogMark.START).entries).extracting(LogEntry::ordinal)
                .containsExactly(1L, 2L);
    }

    @Test
    void aBatchIsAppendedOnceAndOnlyTheLogsOwn() throws IOException {
        try (HotLog log = HotLog.open(Replay.small(dir, Durability.OS), LogMark.START, ReplayVisitor.NONE)) {
            LogBatch b = log.batch();
            b.add(RecordKind.TEXT, 1, 1, 1, 1, 1, "a", "x", TaggedRest.NONE);
            log.append(b);
            assertThatThrownBy(() -> log.append(b)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> b.add(RecordKind.TEXT, 1, 2, 1, 1, 1, "b", "x", TaggedRest.NONE))
                    .isInstanceOf(IllegalStateException.class);
            LogBatch empty = log.batch();
            log.append(empty);
            assertThat(empty.size()).isZero();
            assertThat(log.nextOrdinal()).isEqualTo(2);
        }
    }

    @Test
    void segmentFilesAreTheOwnersOnly() throws IOException {
        try (HotLog log = HotLog.open(Replay.small(dir, Durability.OS), LogMark.START, ReplayVisitor.NONE)) {
            assertThat(Files.getPosixFilePermissions(dir.resolve("00000000000000000001.log")))
                    .isEqualTo(dev.parley.store.OwnerOnly.FILE);
            assertThat(ByteBuffer.wrap(Files.readAllBytes(dir.resolve("00000000000000000001.log")), 0, 4)
                    .order(RecordCodec.ORDER).getInt()).isEqualTo(SegmentHeader.MAGIC);
        }
    }
}
