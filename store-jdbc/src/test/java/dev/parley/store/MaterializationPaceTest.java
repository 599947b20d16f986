package dev.parley.store;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.store.hotlog.LogPosition;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The slices between batches insert kept-out rows evenly: conversations that start together do not
 * all come due together. A simulated writer on a synthetic clock (no SQLite, no time measured):
 * 4,000 conversations, 5,000 appends a second in batches every 2 ms, rows kept about 20 s.
 */
class MaterializationPaceTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long TARGET = 20 * SECOND;
    private static final int CONVERSATIONS = 4_000;
    private static final int PER_SECOND = 5_000;
    private static final long STEP = TimeUnit.MILLISECONDS.toNanos(2);
    private static final int SECONDS = 120;
    /** Where every simulated record is: the slices never read it. */
    private static final LogPosition AT = new LogPosition(1, 1 << 16);

    /** Rows inserted per simulated second, and the longest any row waited. */
    private record Run(int[] insertedPerSecond, long longestWaitNanos, int mostPending) {
    }

    @Test
    void rowsGoInAtTheAppendRateNotInWaves() {
        Run run = simulate(new Materialization(0, TARGET, Materialization.MAX_PENDING, true), true);

        // Nothing goes in during the first half target: small inserts are what keeping rows out avoids.
        assertThat(Arrays.stream(run.insertedPerSecond(), 0, 9).sum()).isZero();
        // After the start, no second inserts much more than a second's appends: without the pace the
        // whole start came due within a second of 20 s (~100,000 rows), and again every 20 s.
        int[] steady = Arrays.copyOfRange(run.insertedPerSecond(), 10, SECONDS);
        assertThat(Arrays.stream(steady).max().orElseThrow()).isLessThan(2 * PER_SECOND);
        // Pending rows settle near the append rate times the target, and none waits past twice it.
        assertThat(run.mostPending()).isLessThan(PER_SECOND * 25);
        assertThat(run.longestWaitNanos()).isLessThanOrEqualTo(2 * TARGET + SECOND);
    }

    @Test
    void withoutThePaceTheStartComesDueAsOneWave() {
        // The rule the pace replaced (due at the target's age, no pace), as a check that the
        // simulation shows the wave the first test rules out.
        Run run = simulate(new Materialization(0, TARGET, Materialization.MAX_PENDING, true), false);

        assertThat(Arrays.stream(run.insertedPerSecond()).max().orElseThrow()).isGreaterThan(10 * PER_SECOND);
    }

    @Test
    void aConversationIsDueAtTwiceTheTargetWhateverThePace() {
        PendingRows pending = new PendingRows();
        pending.add(row(1, 1, 0));
        pending.add(row(2, 1, SECOND));
        Materialization rules = new Materialization(0, TARGET, Materialization.MAX_PENDING, true);
        MaterializationPace pace = new MaterializationPace(TARGET);

        assertThat(pending.slice(2 * TARGET - 1, rules, pace, 8)).as("no credit has built up yet").isEmpty();
        assertThat(pending.slice(2 * TARGET, rules, pace, 8)).containsExactly(1L);
    }

    @Test
    void aSliceWaitsUntilEnoughRowsAreOwed() {
        MaterializationPace pace = new MaterializationPace(TARGET);
        int pending = 10_000;
        long oldest = 0;
        long now = TARGET;

        assertThat(pace.budget(now, oldest, pending, 0)).as("the pace starts").isZero();
        // At the target's age each row kept out is owed once: below the minimum, no slice yet.
        assertThat(pace.budget(now, oldest, pending, MaterializationPace.MIN_ROWS - 1)).isZero();
        assertThat(pace.budget(now, oldest, pending, MaterializationPace.MIN_ROWS))
                .isEqualTo(MaterializationPace.MIN_ROWS);
        pace.spent(MaterializationPace.MIN_ROWS + 30);
        // A conversation goes whole: what the slice took beyond its budget is owed back first.
        assertThat(pace.budget(now, oldest, pending, 2L * MaterializationPace.MIN_ROWS)).isZero();
        assertThat(pace.budget(now, oldest, pending, 2L * MaterializationPace.MIN_ROWS + 30))
                .isEqualTo(MaterializationPace.MIN_ROWS);
    }

    @Test
    void fewerRowsThanTheMinimumGoInWhenThatIsAllThatWaits() {
        MaterializationPace pace = new MaterializationPace(TARGET);

        pace.budget(TARGET, 0, 20, 0);
        assertThat(pace.budget(TARGET, 0, 20, 20)).isEqualTo(20);
    }

    @Test
    void noPaceWithoutATarget() {
        MaterializationPace pace = new MaterializationPace(0);

        assertThat(pace.budget(TARGET * 10, 0, 1_000, 1_000)).isZero();
        assertThat(pace.budget(TARGET * 20, 0, 1_000, 2_000)).isZero();
    }

    private static Run simulate(Materialization rules, boolean paced) {
        PendingRows pending = new PendingRows();
        MaterializationPace pace = new MaterializationPace(paced ? TARGET : 0);
        long[] seqs = new long[CONVERSATIONS];
        long[] firstPendingAt = new long[CONVERSATIONS];
        Arrays.fill(firstPendingAt, -1);
        int[] inserted = new int[SECONDS];
        long longestWait = 0;
        int mostPending = 0;
        SplittableRandom random = new SplittableRandom(19);
        int perStep = (int) (PER_SECOND * STEP / SECOND);
        for (long now = 0; now < SECONDS * SECOND; now += STEP) {
            for (int i = 0; i < perStep; i++) {
                int c = random.nextInt(CONVERSATIONS);
                pending.add(row(c + 1, ++seqs[c], now));
                if (firstPendingAt[c] < 0) {
                    firstPendingAt[c] = now;
                }
            }
            mostPending = Math.max(mostPending, pending.size());
            List<Long> due = paced ? pending.slice(now, rules, pace, LoggedAppends.SLICE_CONVERSATIONS)
                    : pending.due(now, rules.everyNanos(), rules.maxPending(), 0,
                            LoggedAppends.SLICE_CONVERSATIONS);
            for (Long c : due) {
                int conversation = c.intValue() - 1;
                inserted[(int) (now / SECOND)] += pending.count(c);
                longestWait = Math.max(longestWait, now - firstPendingAt[conversation]);
                pending.materialized(c, pending.last(c).seq());
                firstPendingAt[conversation] = -1;
            }
        }
        return new Run(inserted, longestWait, mostPending);
    }

    private static PendingRows.Row row(long conversation, long seq, long addedNanos) {
        Message m = new Message(new ConversationId(conversation), seq, 1_000 + seq, new UserId(1), null, null,
                MessageKind.TEXT, "hello", null, null, null, 0, null);
        return new PendingRows.Row(m, seq, AT, addedNanos);
    }
}
