package dev.parley.store.hotlog;

import dev.parley.store.Durability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Unsend erases the text from the log too: in place, durably, and the log around it stays whole. */
class HotLogEraseTest {
    @TempDir
    Path dir;

    private static final String SECRET = "a text its sender unsent: ZZSECRETZZ";

    @ParameterizedTest
    @EnumSource(Durability.class)
    void anErasedRecordHasNoTextOnDiskAndReadsAsErasedAfterARestart(Durability durability) throws IOException {
        HotLogSettings settings = Replay.small(dir, durability);
        List<Draft> drafts = List.of(Draft.text(1, 1, "a", "before"), Draft.text(1, 2, "b", SECRET),
                Draft.text(1, 3, "c", "after"));
        try (HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE)) {
            List<LogPosition> at = Draft.append(log, drafts);
            assertThat(log.erase(at.get(1))).isTrue();
            assertThat(log.erase(at.get(1))).isFalse();
            assertThat(log.read(at.get(1)).orElseThrow().kind()).isEqualTo(RecordKind.ERASED);
            Draft.append(log, Draft.texts(4, 1));
        }
        assertThat(new String(Files.readAllBytes(SegmentFiles.segment(dir, 1)), StandardCharsets.ISO_8859_1))
                .doesNotContain("ZZSECRETZZ").contains("before").contains("after");

        Replay r = Replay.of(settings, LogMark.START);
        Draft erased = drafts.get(1);
        assertThat(r.entries).containsExactly(drafts.get(0).at(1),
                new LogEntry(RecordKind.ERASED, 2, erased.conversation(), erased.seq(), erased.time(), erased.sender(),
                        erased.device(), erased.clientId(), "", TaggedRest.NONE),
                drafts.get(2).at(3), Draft.texts(4, 1).getFirst().at(4));
    }

    @Test
    void anEraseInterruptedAfterItsChecksumIsFinishedByRecovery() throws IOException {
        HotLogSettings settings = Replay.small(dir, Durability.FSYNC);
        LogPosition at;
        try (HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE)) {
            at = Draft.append(log, List.of(Draft.text(1, 1, "a", SECRET), Draft.text(1, 2, "b", "next"))).getFirst();
        }
        // Step 1 of an erase only: the erased form's CRC, kind and body as they were.
        Path file = SegmentFiles.segment(dir, 1);
        ByteBuffer record = ByteBuffer.wrap(Files.readAllBytes(file), at.offset(), 200).slice().order(RecordCodec.ORDER);
        int bodyAt = RecordCodec.bodyLengthAt(1) + 4;
        int crc = RecordCodec.erasedCrc(record, 0, record.getInt(0) + 4, bodyAt, record.getInt(bodyAt - 4), new CRC32C());
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(at.offset() + 4);
            f.write(ByteBuffer.allocate(4).order(RecordCodec.ORDER).putInt(0, crc).array());
        }

        Replay r = Replay.of(settings, LogMark.START);
        assertThat(r.entries).extracting(LogEntry::kind).containsExactly(RecordKind.ERASED, RecordKind.TEXT);
        assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).doesNotContain("ZZSECRETZZ");
        // Finished: a second recovery finds a plain erased record.
        assertThat(Replay.of(settings, LogMark.START).entries).isEqualTo(r.entries);
    }

    @Test
    void anEraseWhereNoRecordStartsIsRefusedAndARetiredSegmentIsNoLongerThere() throws IOException {
        HotLogSettings settings = Replay.small(dir, Durability.OS);
        try (HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE)) {
            List<LogPosition> at = Draft.append(log, Draft.texts(1, 2));
            assertThatThrownBy(() -> log.erase(new LogPosition(1, at.get(0).offset() + 4)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> log.erase(log.end())).isInstanceOf(IllegalArgumentException.class);
            while (log.segments().size() < 2) {
                Draft.append(log, Draft.texts((int) log.nextOrdinal(), 3));
            }
            assertThat(log.retire(log.segments().get(1) - 1)).isEqualTo(1);
            assertThat(log.erase(at.getFirst())).isFalse();
        }
    }
}
