package dev.parley.store.hotlog;

import dev.parley.store.Durability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Opening a log after a crash or damage: the first record that fails ends it, and writing goes on from there. */
class HotLogRecoveryTest {
    @TempDir
    Path dir;

    private HotLogSettings settings() {
        return Replay.small(dir, Durability.FSYNC);
    }

    /** Writes {@code batches} batches of 3; returns every record's position. */
    private List<LogPosition> write(int batches) throws IOException {
        List<LogPosition> at = new ArrayList<>();
        try (HotLog log = HotLog.open(settings(), LogMark.START, ReplayVisitor.NONE)) {
            for (int i = 0; i < batches; i++) {
                at.addAll(Draft.append(log, Draft.texts(1 + 3 * i, 3)));
            }
        }
        return at;
    }

    private Path file(long segment) {
        return SegmentFiles.segment(dir, segment);
    }

    private void overwrite(LogPosition at, int delta, byte[] bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file(at.segment()).toFile(), "rw")) {
            f.seek(at.offset() + delta);
            f.write(bytes);
        }
    }

    @Test
    void anEmptyDirectoryStartsALogAtTheMark() throws IOException {
        try (HotLog log = HotLog.open(settings(), new LogMark(500, null), ReplayVisitor.NONE)) {
            assertThat(log.replayed()).isZero();
            assertThat(log.nextOrdinal()).isEqualTo(500);
            assertThat(log.segments()).containsExactly(500L);
            Draft.append(log, Draft.texts(1, 2));
        }
        assertThat(Replay.of(settings(), new LogMark(500, null)).entries).extracting(LogEntry::ordinal)
                .containsExactly(500L, 501L);
        assertThat(Files.isDirectory(dir)).isTrue();
    }

    @Test
    void aCorruptRecordInTheMiddleEndsTheLogThereAndLaterSegmentsAreDeleted() throws IOException {
        List<LogPosition> at = write(100);
        List<Long> segments = Files.list(dir).map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".log"))
                .map(n -> Long.parseLong(n.substring(0, 20))).sorted().toList();
        assertThat(segments.size()).isGreaterThan(3);
        // A byte of a body in the second segment flips.
        int victim = (int) (long) segments.get(1) + 4; // ordinal, 1-based
        overwrite(at.get(victim - 1), 70, new byte[] {'#'});

        try (HotLog log = HotLog.open(settings(), LogMark.START, ReplayVisitor.NONE)) {
            assertThat(log.replayed()).isEqualTo(victim - 1);
            assertThat(log.nextOrdinal()).isEqualTo(victim);
            assertThat(log.segments()).containsExactly(segments.get(0), segments.get(1));
            assertThat(log.end()).isEqualTo(at.get(victim - 1));
            // The rest of the segment is zeros now: nothing of the old records can come back.
            byte[] bytes = Files.readAllBytes(file(segments.get(1)));
            for (int i = at.get(victim - 1).offset(); i < bytes.length; i++) {
                assertThat(bytes[i]).as("byte %d", i).isZero();
            }
            Draft.append(log, List.of(Draft.text(9, 1, "new", "after the cut")));
        }
        for (long s : segments.subList(2, segments.size())) {
            assertThat(file(s)).doesNotExist();
        }
        Replay r = Replay.of(settings(), LogMark.START);
        assertThat(r.entries).hasSize(victim);
        assertThat(r.entries.getLast()).isEqualTo(Draft.text(9, 1, "new", "after the cut").at(victim));
    }

    @Test
    void aFileTruncatedMidRecordEndsTheLogAtThatRecord() throws IOException {
        List<LogPosition> at = write(2);
        try (RandomAccessFile f = new RandomAccessFile(file(1).toFile(), "rw")) {
            f.setLength(at.get(4).offset() + 30);
        }
        try (HotLog log = HotLog.open(settings(), LogMark.START, ReplayVisitor.NONE)) {
            assertThat(log.replayed()).isEqualTo(4);
            assertThat(log.end()).isEqualTo(at.get(4));
            Draft.append(log, Draft.texts(5, 1));
        }
        assertThat(Replay.of(settings(), LogMark.START).entries).isEqualTo(Replay.expected(Draft.texts(1, 5), 1));
    }

    @Test
    void aTailOfZerosInsideARecordEndsTheLogAtThatRecord() throws IOException {
        List<LogPosition> at = write(3);
        overwrite(at.get(6), 20, new byte[4096]);
        Replay r = Replay.of(settings(), LogMark.START);
        assertThat(r.entries).isEqualTo(Replay.expected(Draft.texts(1, 6), 1));
    }

    @Test
    void aHoleOfZerosBeforeLaterRecordsEndsTheLogAtTheHoleAndTheLaterOnesAreZeroed() throws IOException {
        // An `os` power loss can lose a page in the middle and keep the ones after it.
        List<LogPosition> at = write(3);
        int length = at.get(4).offset() - at.get(3).offset();
        overwrite(at.get(3), 0, new byte[length]);
        try (HotLog log = HotLog.open(settings(), LogMark.START, ReplayVisitor.NONE)) {
            assertThat(log.replayed()).isEqualTo(3);
            Draft.append(log, List.of(Draft.text(1, 4, "c4", "a different fourth")));
        }
        // Records 5 to 9 were zeroed at the cut: they do not follow the new fourth record.
        assertThat(Replay.of(settings(), LogMark.START).entries).extracting(LogEntry::ordinal)
                .containsExactly(1L, 2L, 3L, 4L);
    }

    @Test
    void aSegmentWhoseHeaderIsBadEndsTheLogBeforeIt() throws IOException {
        List<LogPosition> at = write(40);
        long second = at.stream().map(LogPosition::segment).distinct().toList().get(1);
        overwrite(new LogPosition(second, SegmentHeader.BYTES), -SegmentHeader.BYTES + 9, new byte[] {7});
        try (HotLog log = HotLog.open(settings(), LogMark.START, ReplayVisitor.NONE)) {
            assertThat(log.replayed()).isEqualTo(second - 1);
            assertThat(log.segments()).containsExactly(1L);
            // The next batch that does not fit rolls into a segment of the same name, made afresh.
            while (log.segments().size() == 1) {
                Draft.append(log, Draft.texts((int) log.nextOrdinal(), 3));
            }
            assertThat(log.segments()).hasSize(2).first().isEqualTo(1L);
        }
        Replay r = Replay.of(settings(), LogMark.START);
        assertThat(r.entries.subList(0, (int) second - 1)).isEqualTo(Replay.expected(Draft.texts(1, (int) second - 1), 1));
        assertThat(r.entries).extracting(LogEntry::ordinal).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void aSegmentRolledIntoButNeverWrittenIsContinued() throws IOException {
        List<LogPosition> at = write(2);
        // A crash right after a roll: the next segment has its header and nothing else.
        try (HotLog log = HotLog.open(settings(), LogMark.START, ReplayVisitor.NONE)) {
            assertThat(log.nextOrdinal()).isEqualTo(7);
        }
        Path next = file(7);
        Files.write(next, new byte[8 << 10]);
        try (RandomAccessFile f = new RandomAccessFile(next.toFile(), "rw")) {
            f.write(SegmentHeader.encode(7).array());
        }
        // And a spare left half made.
        Files.write(dir.resolve(SegmentFiles.SPARE), new byte[100]);

        try (HotLog log = HotLog.open(settings(), LogMark.START, ReplayVisitor.NONE)) {
            assertThat(log.replayed()).isEqualTo(6);
            assertThat(log.end()).isEqualTo(new LogPosition(7, SegmentHeader.BYTES));
            assertThat(Files.size(dir.resolve(SegmentFiles.SPARE))).isEqualTo(8 << 10);
            Draft.append(log, Draft.texts(7, 2));
        }
        assertThat(Replay.of(settings(), LogMark.START).entries).isEqualTo(Replay.expected(Draft.texts(1, 8), 1));
        assertThat(at.getLast().segment()).isEqualTo(1);
    }

    @Test
    void aLogThatEndsBeforeTheMarkStartsAfreshAtTheMark() throws IOException {
        write(2); // ordinals 1 to 6
        try (HotLog log = HotLog.open(settings(), new LogMark(10, null), ReplayVisitor.NONE)) {
            assertThat(log.replayed()).isZero();
            assertThat(log.nextOrdinal()).isEqualTo(10);
            assertThat(log.segments()).containsExactly(10L);
            Draft.append(log, Draft.texts(1, 1));
        }
        assertThat(file(1)).doesNotExist();
        assertThat(Replay.of(settings(), new LogMark(10, null)).entries).extracting(LogEntry::ordinal).containsExactly(10L);
    }

    @Test
    void aMarkAtTheLogsEndReplaysNothingAndContinuesThere() throws IOException {
        List<LogPosition> at = write(2);
        LogPosition end;
        try (HotLog log = HotLog.open(settings(), LogMark.START, ReplayVisitor.NONE)) {
            end = log.end();
        }
        try (HotLog log = HotLog.open(settings(), new LogMark(7, end), ReplayVisitor.NONE)) {
            assertThat(log.replayed()).isZero();
            assertThat(log.end()).isEqualTo(end);
            assertThat(log.nextOrdinal()).isEqualTo(7);
        }
        assertThat(at).hasSize(6);
    }

    @Test
    void aGapBetweenTheMarkAndTheFirstSegmentIsDamage() throws IOException {
        try (HotLog log = HotLog.open(settings(), new LogMark(100, null), ReplayVisitor.NONE)) {
            Draft.append(log, Draft.texts(1, 2));
        }
        assertThatThrownBy(() -> HotLog.open(settings(), new LogMark(50, null), ReplayVisitor.NONE))
                .isInstanceOf(DamagedLogException.class).hasMessageContaining("100");
        assertThat(file(100)).exists();
    }

    @Test
    void aMarkThatIsNoRecordsStartIsDamage() throws IOException {
        write(1);
        assertThatThrownBy(() -> HotLog.open(settings(), new LogMark(2, new LogPosition(1, 8190)), ReplayVisitor.NONE))
                .isInstanceOf(DamagedLogException.class);
    }

    @Test
    void segmentsBeforeTheMarkAreKeptForRetirementButNotReplayed() throws IOException {
        List<LogPosition> at = write(40);
        long second = at.stream().map(LogPosition::segment).distinct().toList().get(1);
        int from = (int) second + 2;
        Replay r = Replay.of(settings(), new LogMark(from, at.get(from - 1)));
        assertThat(r.entries).extracting(LogEntry::ordinal).first().isEqualTo((long) from);
        assertThat(r.entries.getLast().ordinal()).isEqualTo(120L);
        try (HotLog log = HotLog.open(settings(), new LogMark(from, null), ReplayVisitor.NONE)) {
            assertThat(log.segments().getFirst()).isEqualTo(1L);
            assertThat(log.read(at.getFirst())).contains(Draft.texts(1, 1).getFirst().at(1));
        }
    }
}
