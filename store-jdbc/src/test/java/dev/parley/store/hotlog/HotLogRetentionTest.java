package dev.parley.store.hotlog;

import dev.parley.store.Durability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Segments go once everything in them is materialized and no reader holds them. */
class HotLogRetentionTest {
    @TempDir
    Path dir;

    @Test
    void onlySegmentsWhollyMaterializedAndUnheldAreDeleted() throws IOException {
        HotLogSettings settings = Replay.small(dir, Durability.OS);
        try (HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE)) {
            List<LogPosition> at = new ArrayList<>();
            while (log.segments().size() < 4) {
                at.addAll(Draft.append(log, Draft.texts((int) log.nextOrdinal(), 3)));
            }
            List<Long> segments = log.segments();
            long s2 = segments.get(1);
            long s3 = segments.get(2);
            long s4 = segments.get(3);

            // Materialized up to one short of segment 1's last record: nothing goes.
            assertThat(log.retire(s2 - 2)).isZero();
            assertThat(log.segments()).isEqualTo(segments);

            // A reader holds everything present.
            LogReading reading = log.reading();
            assertThat(log.retire(s2 - 1)).isEqualTo(1);
            assertThat(log.segments()).containsExactly(s2, s3, s4);
            assertThat(SegmentFiles.segment(dir, 1)).exists();
            assertThat(log.read(at.getFirst())).isEmpty();
            assertThat(reading.read(at.getFirst())).isEqualTo(Draft.texts(1, 1).getFirst().at(1));
            reading.close();
            assertThat(SegmentFiles.segment(dir, 1)).doesNotExist();

            // Everything materialized: all but the segment being written.
            assertThat(log.retire(Long.MAX_VALUE)).isEqualTo(2);
            assertThat(log.segments()).containsExactly(s4);
            assertThat(SegmentFiles.segment(dir, s2)).doesNotExist();
            assertThat(SegmentFiles.segment(dir, s3)).doesNotExist();
            assertThat(log.read(at.getLast())).isPresent();

            Draft.append(log, Draft.texts((int) log.nextOrdinal(), 1));
        }
        // What is left replays from a mark past the retired segments.
        try (HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE)) {
            throw new AssertionError("a mark before the first segment left must be refused, not " + log.segments());
        } catch (DamagedLogException expected) {
            assertThat(expected).hasMessageContaining("materialized only before 1");
        }
    }

    @Test
    void aReadingTakenAfterARetirementDoesNotSeeTheRetiredSegment() throws IOException {
        HotLogSettings settings = Replay.small(dir, Durability.OS);
        try (HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE)) {
            LogPosition first = Draft.append(log, Draft.texts(1, 1)).getFirst();
            while (log.segments().size() < 2) {
                Draft.append(log, Draft.texts((int) log.nextOrdinal(), 3));
            }
            log.retire(Long.MAX_VALUE);
            try (LogReading reading = log.reading()) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> reading.read(first))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        }
    }
}
