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
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random batches, then a crash at a random byte of a random record (the file cut there, or zeros
 * from there to the segment's end, later segments kept or lost): recovery returns exactly the
 * records before that byte, in order, with no gap, and the log goes on from there.
 */
class HotLogCrashTest {
    private static final String[] WORDS = {"hi", "héllo", "日本", "😀", "a b c", "", "x".repeat(300)};

    @TempDir
    Path root;

    @Test
    void recoveryAfterACrashAtARandomByteIsExactlyThePrefixBeforeIt() throws IOException {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (int round = 0; round < 40; round++) {
            String as = "seed " + seed + ", round " + round;
            Path dir = root.resolve("round-" + round);
            HotLogSettings settings = Replay.small(dir, round % 2 == 0 ? Durability.OS : Durability.FSYNC);

            List<Draft> written = new ArrayList<>();
            List<LogPosition> positions = new ArrayList<>();
            try (HotLog log = HotLog.open(settings, LogMark.START, ReplayVisitor.NONE)) {
                for (int b = 1 + random.nextInt(50); b > 0; b--) {
                    List<Draft> batch = randomBatch(random, written.size());
                    positions.addAll(Draft.append(log, batch));
                    written.addAll(batch);
                }
            }

            int torn = random.nextInt(written.size());
            LogPosition at = positions.get(torn);
            boolean truncate = random.nextBoolean();
            // Zeros only tear a record where they change a byte: up to its last byte that is not zero.
            int into = random.nextInt(truncate ? size(written.get(torn)) : lastNonZero(dir, at, written.get(torn)) + 1);
            crash(dir, at, into, truncate, random.nextBoolean());

            int from = 1 + random.nextInt(torn + 1);
            LogMark mark = new LogMark(from, random.nextBoolean() ? positions.get(from - 1) : null);
            Replay r = new Replay();
            List<Draft> after = randomBatch(random, torn);
            try (HotLog log = HotLog.open(settings, mark, r)) {
                assertThat(r.entries).as(as).isEqualTo(Replay.expected(written.subList(from - 1, torn), from));
                assertThat(r.positions).as(as).isEqualTo(positions.subList(from - 1, torn));
                assertThat(log.nextOrdinal()).as(as).isEqualTo(torn + 1);
                Draft.append(log, after);
            }
            List<Draft> survived = new ArrayList<>(written.subList(0, torn));
            survived.addAll(after);
            assertThat(Replay.of(settings, LogMark.START).entries).as(as).isEqualTo(Replay.expected(survived, 1));
        }
    }

    /** Tears the log at byte {@code into} of the record at {@code at}. */
    private static void crash(Path dir, LogPosition at, int into, boolean truncate, boolean loseLaterSegments)
            throws IOException {
        Path file = SegmentFiles.segment(dir, at.segment());
        long p = at.offset() + (long) into;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            if (truncate) {
                f.setLength(p);
            } else {
                f.seek(p);
                f.write(new byte[(int) (f.length() - p)]);
            }
        }
        if (loseLaterSegments) {
            for (long s : SegmentFiles.list(dir)) {
                if (s > at.segment()) {
                    Files.delete(SegmentFiles.segment(dir, s));
                }
            }
        }
    }

    private static List<Draft> randomBatch(Random random, int before) {
        List<Draft> batch = new ArrayList<>();
        RecordKind[] kinds = RecordKind.values();
        for (int n = 1 + random.nextInt(12); n > 0; n--) {
            int i = before + batch.size() + 1;
            RecordKind kind = kinds[random.nextInt(kinds.length - 1)]; // ERASED is last
            StringBuilder body = new StringBuilder();
            for (int w = random.nextInt(4); w > 0; w--) {
                body.append(WORDS[random.nextInt(WORDS.length)]);
            }
            byte[] rest = new byte[random.nextInt(3) == 0 ? random.nextInt(200) : 0];
            random.nextBytes(rest);
            batch.add(new Draft(kind, 1 + random.nextInt(5), i, random.nextLong(), random.nextLong(),
                    random.nextInt(3) == 0 ? 0 : random.nextLong(), random.nextInt(5) == 0 ? "" : "id-" + i,
                    body.toString(), TaggedRest.of(rest)));
        }
        return batch;
    }

    private static int lastNonZero(Path dir, LogPosition at, Draft d) throws IOException {
        byte[] segment = Files.readAllBytes(SegmentFiles.segment(dir, at.segment()));
        int last = 0;
        for (int i = 0; i < size(d); i++) {
            if (segment[at.offset() + i] != 0) {
                last = i;
            }
        }
        return last;
    }

    private static int size(Draft d) {
        return RecordCodec.size(d.clientId().length(), d.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length, d.rest().length());
    }
}
