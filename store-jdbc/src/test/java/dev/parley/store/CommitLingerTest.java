package dev.parley.store;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** When the writer waits for more writes before a commit: the decisions, on a clock the test drives. */
class CommitLingerTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Waits half a millisecond when fewer than 16 are queued. */
    private final CommitLinger linger = new CommitLinger(MS / 2, 16);

    /** Writes taken one at a time, {@code perSecond} of them a second, for {@code millis} from {@code start}. */
    private long arrive(long start, int perSecond, long millis) {
        long gap = TimeUnit.SECONDS.toNanos(1) / perSecond;
        long now = start;
        for (long end = start + millis * MS; now < end; now += gap) {
            linger.took(1, now);
        }
        return now;
    }

    @Test
    void waitsWhileWritesComeFasterThanOnePerWait() {
        long now = arrive(0, 10_000, 120);

        assertThat(linger.shouldWait(1, now)).isTrue();
    }

    @Test
    void neverWaitsWhenWritesComeSlowly() {
        long now = arrive(0, 1_000, 500);

        assertThat(linger.shouldWait(1, now)).isFalse();
    }

    @Test
    void doesNotWaitWhenEnoughAreQueuedAlready() {
        long now = arrive(0, 10_000, 120);

        assertThat(linger.shouldWait(16, now)).isFalse();
        assertThat(linger.shouldWait(15, now)).isTrue();
    }

    @Test
    void aWaitThatGatheredNothingStopsWaitingForAWhile() {
        long now = arrive(0, 10_000, 120);
        linger.gathered(0, now);

        assertThat(linger.shouldWait(1, now + MS)).isFalse();
        long later = arrive(now + MS, 10_000, 100);
        assertThat(linger.shouldWait(1, later)).isTrue();
    }

    @Test
    void aWaitThatGatheredSomethingKeepsWaiting() {
        long now = arrive(0, 10_000, 120);
        linger.gathered(3, now);

        assertThat(linger.shouldWait(1, now + MS / 10)).isTrue();
    }

    @Test
    void theFirstWriteAfterAPauseDoesNotWait() {
        long now = arrive(0, 10_000, 120);

        assertThat(linger.shouldWait(1, now + 1_000 * MS)).isFalse();
    }

    @Test
    void aWriterToldNeverToWaitNeverWaits() {
        CommitLinger never = CommitLinger.never();
        for (long now = 0; now < 200 * MS; now += MS / 100) {
            never.took(1, now);
        }

        assertThat(never.shouldWait(1, 200 * MS)).isFalse();
    }
}
