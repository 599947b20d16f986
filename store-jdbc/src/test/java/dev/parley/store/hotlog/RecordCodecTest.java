package dev.parley.store.hotlog;

import dev.parley.store.Durability;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32C;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The record format on its own: what a batch encodes decodes to the same entry, and damage is seen. */
class RecordCodecTest {
    @TempDir
    Path dir;

    private final HotLogSettings settings = Replay.small(Path.of("unused"), Durability.OS);

    /** Encodes one record as a batch would, at offset 0 of the returned buffer. */
    private ByteBuffer encode(Draft d, long ordinal) {
        LogBatch b = new LogBatch(settings);
        b.begin(ordinal);
        b.add(d.kind(), d.conversation(), d.seq(), d.time(), d.sender(), d.device(), d.clientId(), d.body(), d.rest());
        ByteBuffer bytes = ByteBuffer.allocate(b.bytes()).order(RecordCodec.ORDER);
        bytes.put(b.encoded()).flip();
        return bytes;
    }

    private static RecordCodec.Decoded decode(ByteBuffer b, long expected) {
        return RecordCodec.decode(b, 0, b.limit(), expected, new CRC32C());
    }

    @ParameterizedTest
    @EnumSource(value = RecordKind.class, mode = EnumSource.Mode.EXCLUDE, names = "ERASED")
    void everyKindRoundTrips(RecordKind kind) {
        Draft d = new Draft(kind, 42, 7, 1_765_000_000_123L, 1001, 2002, "client-" + kind.code(), "body of " + kind,
                TaggedRest.of(new byte[] {1, 0, 0, 0, 0, 0, 0, 0, 5, (byte) 0xFF}));

        ByteBuffer b = encode(d, 99);

        assertThat(b.limit() % 4).isZero();
        assertThat(decode(b, 99)).isEqualTo(new RecordCodec.Decoded.Found(d.at(99), b.limit(), false));
    }

    @Test
    void nonAsciiBodiesRoundTripByteForByte() {
        for (String body : new String[] {"héllo wörld", "日本語のテキスト", "emoji 😀👍🏽 and 𝄞", "", "a\u0000b", "Ω≈ç√∫"}) {
            ByteBuffer b = encode(Draft.text(1, 1, "id", body), 1);
            RecordCodec.Decoded.Found f = (RecordCodec.Decoded.Found) decode(b, 1);
            assertThat(f.entry().body()).isEqualTo(body);
            int n = b.get(RecordCodec.CLIENT_ID_LENGTH);
            assertThat(b.getInt(RecordCodec.bodyLengthAt(n))).isEqualTo(body.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    @Test
    void anUnpairedSurrogateIsWrittenAsJavaWritesIt() {
        String body = "broken \uD83D pair and \uDE00 low";
        RecordCodec.Decoded.Found f = (RecordCodec.Decoded.Found) decode(encode(Draft.text(1, 1, "id", body), 1), 1);
        assertThat(f.entry().body()).isEqualTo(new String(body.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8));
    }

    @Test
    void anEntryWithoutClientIdOrBodyRoundTrips() {
        Draft d = new Draft(RecordKind.CREATED, 5, 1, 10, 20, 0, "", "", TaggedRest.NONE);
        assertThat(decode(encode(d, 1), 1)).isInstanceOf(RecordCodec.Decoded.Found.class)
                .extracting(x -> ((RecordCodec.Decoded.Found) x).entry()).isEqualTo(d.at(1));
    }

    @Test
    void anyChangedByteIsTorn() {
        ByteBuffer b = encode(Draft.text(3, 4, "abc", "the quick brown fox"), 12);
        for (int i = 4; i < b.limit(); i++) {
            ByteBuffer copy = ByteBuffer.allocate(b.limit()).order(RecordCodec.ORDER).put(b.duplicate().clear()).flip();
            copy.put(i, (byte) (copy.get(i) ^ 0x10));
            assertThat(decode(copy, 12)).as("byte %d changed", i).isInstanceOf(RecordCodec.Decoded.Torn.class);
        }
    }

    @Test
    void anotherOrdinalThanTheOneDueIsTorn() {
        ByteBuffer b = encode(Draft.text(3, 4, "abc", "hi"), 12);
        assertThat(decode(b, 13)).isInstanceOf(RecordCodec.Decoded.Torn.class);
        assertThat(decode(b, 0)).isInstanceOf(RecordCodec.Decoded.Found.class);
    }

    @Test
    void zerosAndTooFewBytesAreNothingWritten() {
        ByteBuffer zeros = ByteBuffer.allocate(256).order(RecordCodec.ORDER);
        assertThat(decode(zeros, 1)).isEqualTo(RecordCodec.NOTHING);
        assertThat(RecordCodec.decode(zeros, 254, 256, 1, new CRC32C())).isEqualTo(RecordCodec.NOTHING);
    }

    @Test
    void aRecordCutShortByTheSegmentsEndIsTorn() {
        ByteBuffer b = encode(Draft.text(3, 4, "abc", "hello there"), 1);
        assertThat(RecordCodec.decode(b, 0, b.limit() - 4, 1, new CRC32C())).isInstanceOf(RecordCodec.Decoded.Torn.class);
    }

    @Test
    void theErasedFormIsValidHalfWayAndWhole() {
        ByteBuffer b = encode(Draft.text(3, 4, "abc", "secret text"), 5);
        int bodyAt = RecordCodec.bodyLengthAt(3) + 4;
        int m = b.getInt(bodyAt - 4);
        int erased = RecordCodec.erasedCrc(b, 0, b.limit(), bodyAt, m, new CRC32C());

        b.putInt(4, erased); // step 1 only: the record reads as erased, to be finished
        RecordCodec.Decoded.Found half = (RecordCodec.Decoded.Found) decode(b, 5);
        assertThat(half.erasing()).isTrue();
        assertThat(half.entry().kind()).isEqualTo(RecordKind.ERASED);
        assertThat(half.entry().body()).isEmpty();

        b.put(RecordCodec.KIND, RecordKind.ERASED.code());
        for (int i = 0; i < m; i++) {
            b.put(bodyAt + i, (byte) 0);
        }
        RecordCodec.Decoded.Found whole = (RecordCodec.Decoded.Found) decode(b, 5);
        assertThat(whole.erasing()).isFalse();
        assertThat(whole.entry()).isEqualTo(new LogEntry(RecordKind.ERASED, 5, 3, 4, 1_765_000_000_004L, 1_003, 9_003,
                "abc", "", TaggedRest.NONE));
    }

    @Test
    void outOfBoundsEntriesAreRefusedAndNothingIsAdded() {
        LogBatch b = new LogBatch(settings);
        b.begin(1);
        String body = "b";
        assertThatThrownBy(() -> b.add(RecordKind.TEXT, 1, 1, 1, 1, 1, "x".repeat(65), body, TaggedRest.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("client id");
        assertThatThrownBy(() -> b.add(RecordKind.TEXT, 1, 1, 1, 1, 1, "has space", body, TaggedRest.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.add(RecordKind.TEXT, 1, 1, 1, 1, 1, "é", body, TaggedRest.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.add(RecordKind.TEXT, 1, 1, 1, 1, 1, "id", "é".repeat(513), TaggedRest.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1026 bytes");
        assertThatThrownBy(() -> b.add(RecordKind.TEXT, 1, 1, 1, 1, 1, "id", body, TaggedRest.of(new byte[257])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rest");
        assertThatThrownBy(() -> b.add(RecordKind.ERASED, 1, 1, 1, 1, 1, "id", body, TaggedRest.NONE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TaggedRest.of(new byte[65_536])).isInstanceOf(IllegalArgumentException.class);
        assertThat(b.size()).isZero();
        assertThat(b.bytes()).isZero();

        assertThat(b.add(RecordKind.TEXT, 1, 1, 1, 1, 1, "x".repeat(64), "é".repeat(512), TaggedRest.of(new byte[256])))
                .isEqualTo(1);
    }

    @Test
    void aBatchStopsAtWhatASegmentHolds() {
        LogBatch b = new LogBatch(settings);
        b.begin(1);
        int added = 0;
        try {
            while (true) {
                b.add(RecordKind.TEXT, 1, added + 1, 1, 1, 1, "id", "y".repeat(500), TaggedRest.NONE);
                added++;
            }
        } catch (IllegalStateException full) {
            assertThat(full).hasMessageContaining("full");
        }
        assertThat(b.bytes()).isLessThanOrEqualTo(settings.maxBatchBytes());
        assertThat(b.bytes() + RecordCodec.size(2, 500, 0)).isGreaterThan(settings.maxBatchBytes());
        assertThat(b.size()).isEqualTo(added);
    }

    @Test
    void settingsRefuseASegmentTooSmallForTheLargestRecord() {
        assertThatThrownBy(() -> HotLogSettings.of(dir, Durability.OS).withSegmentBytes(64 << 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("largest record");
        assertThatThrownBy(() -> HotLogSettings.of(dir, Durability.OS).withBounds(0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aLogEntryNeverPrintsItsBody() {
        assertThat(Draft.text(1, 1, "id", "the secret words").at(1).toString()).doesNotContain("secret");
    }
}
