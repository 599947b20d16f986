package dev.parley.server.ws;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pacing policy of a loop's flushes, on a clock of its own (no sockets, no loop): a quiet loop
 * never waits, nor one whose many frames each go to a different connection; a busy one flushes at
 * most once per interval, and a loop that goes quiet again stops waiting at once.
 */
class FlushPacingTest {
    private static final long MS = 1_000_000L;
    private static final long INTERVAL = 5 * MS;
    private static final long WINDOW = 100 * MS;
    /** 40 frames per ms: a 1,024-member fan-out at 200 messages a second writes ~100 per ms per loop. */
    private static final long BUSY = 40_000;

    /** The pacing windows a loop's connections were last written in; frames go to them in turn. */
    private static final class Connections {
        final int[] windows;
        int next;

        Connections(int count) {
            windows = new int[count];
        }

        void write(FlushPacing pacing) {
            windows[next] = pacing.wrote(windows[next]);
            next = (next + 1) % windows.length;
        }
    }

    /** A fan-out to 512 members per loop at 200 messages a second: ~100 frames per ms per loop. */
    private static Connections members() {
        return new Connections(512);
    }

    /**
     * Writes {@code framesPerMs} frames every ms for {@code ms} ms from {@code from}, to
     * {@code connections} in turn, flushing when told; returns the time after.
     */
    private static long load(FlushPacing pacing, Connections connections, long from, long ms, int framesPerMs) {
        long now = from;
        for (long t = 0; t < ms; t++, now += MS) {
            for (int i = 0; i < framesPerMs; i++) {
                connections.write(pacing);
            }
            if (pacing.delayNanos(now) == 0) {
                pacing.flushed(now);
            }
        }
        return now;
    }

    @Test
    void aQuietLoopFlushesEveryTurnWithoutDelay() {
        FlushPacing pacing = new FlushPacing(INTERVAL, BUSY, WINDOW, 0);
        // A one-to-one chat at 10,000 messages a second over two loops: ~10 frames per ms per loop.
        Connections chats = new Connections(1_000);
        long now = load(pacing, chats, 0, 1_000, 10);
        assertThat(pacing.busy()).isFalse();
        chats.write(pacing);
        assertThat(pacing.delayNanos(now)).isZero();
        pacing.flushed(now);
        chats.write(pacing);
        assertThat(pacing.delayNanos(now + 100_000)).as("a second flush 0.1 ms after the first").isZero();
    }

    @Test
    void manyFramesEachToAConnectionThatGetsFewAreNotPaced() {
        FlushPacing pacing = new FlushPacing(INTERVAL, BUSY, WINDOW, 0);
        // 100 frames per ms, as a fan-out writes, but over 20,000 one-to-one chats: a connection
        // gets a frame every 200 ms, and holding flushes would join nothing.
        long now = load(pacing, new Connections(20_000), 0, 1_000, 100);
        assertThat(pacing.busy()).isFalse();
        pacing.flushed(now);
        assertThat(pacing.delayNanos(now + 100_000)).isZero();
    }

    @Test
    void aBusyLoopFlushesAtMostOncePerInterval() {
        FlushPacing pacing = new FlushPacing(INTERVAL, BUSY, WINDOW, 0);
        long now = load(pacing, members(), 0, 300, 100);
        assertThat(pacing.busy()).isTrue();

        pacing.flushed(now);
        assertThat(pacing.delayNanos(now + MS)).isEqualTo(INTERVAL - MS);
        assertThat(pacing.delayNanos(now + INTERVAL)).isZero();
        assertThat(pacing.delayNanos(now + 2 * INTERVAL)).as("an interval already past").isZero();
    }

    @Test
    void pacingDoesNotSwitchItselfOffWhileTheFramesKeepComing() {
        FlushPacing pacing = new FlushPacing(INTERVAL, BUSY, WINDOW, 0);
        // Fewer flushes once paced, the same frames: it stays busy for the whole second.
        Connections members = members();
        long now = load(pacing, members, 0, 200, 100);
        int flushes = 0;
        for (long t = 0; t < 1_000; t++, now += MS) {
            for (int i = 0; i < 100; i++) {
                members.write(pacing);
            }
            if (pacing.delayNanos(now) == 0) {
                pacing.flushed(now);
                flushes++;
            }
            assertThat(pacing.busy()).isTrue();
        }
        assertThat(flushes).isBetween(1_000 / 5 - 1, 1_000 / 5 + 1);
    }

    @Test
    void aBusyLoopThatGoesQuietFlushesAtOnceAgain() {
        FlushPacing pacing = new FlushPacing(INTERVAL, BUSY, WINDOW, 0);
        Connections members = members();
        long now = load(pacing, members, 0, 300, 100);
        pacing.flushed(now);
        assertThat(pacing.busy()).isTrue();

        // Nothing for a second, then one message: flushed in its own turn.
        now += 1_000 * MS;
        members.write(pacing);
        assertThat(pacing.delayNanos(now)).isZero();
        assertThat(pacing.busy()).isFalse();
        pacing.flushed(now);
        members.write(pacing);
        assertThat(pacing.delayNanos(now + MS)).isZero();
    }

    @Test
    void anIntervalOfZeroTurnsPacingOff() {
        FlushPacing pacing = new FlushPacing(0, BUSY, WINDOW, 0);
        long now = load(pacing, members(), 0, 300, 100);
        pacing.flushed(now);
        assertThat(pacing.delayNanos(now + 1)).isZero();
    }
}
