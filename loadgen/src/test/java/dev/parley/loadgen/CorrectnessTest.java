package dev.parley.loadgen;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The end-of-run check counts each kind of violation and passes a clean run. */
class CorrectnessTest {

    private static Device device(int i) {
        return new Device(new User(i, "u" + i, i, 100 + i, "t"), null, new Stats(), null, null, 64, false,
                Session.NO_LISTENER);
    }

    @Test
    void cleanExchangePasses() {
        Device a = device(1), b = device(2);
        Conv c = new Conv(7, 0);
        Conv.Member ma = c.join(a), mb = c.join(b);
        // a sent seqs 1 and 3, b sent 2; each received the other's.
        ma.confirmed.set(0);
        ma.confirmed.set(2);
        mb.confirmed.set(1);
        mb.received.set(0);
        mb.received.set(2);
        ma.received.set(1);
        Correctness r = Correctness.check(List.of(c), List.of(a, b));
        assertThat(r.passed()).as(r.line()).isTrue();
        assertThat(r.confirmed()).isEqualTo(3);
        assertThat(r.delivered()).isEqualTo(3);
        assertThat(ma.position()).isEqualTo(3);
    }

    @Test
    void countsLostGapsAndDuplicates() {
        Device a = device(1), b = device(2);
        Conv c = new Conv(7, 10);
        Conv.Member ma = c.join(a), mb = c.join(b);
        ma.confirmed.set(0);
        ma.confirmed.set(1);
        mb.received.set(0);     // seq 12 confirmed to a, never reached b: lost
        mb.received.set(3);     // seq 14 reached b, but seq 13 reached nobody: a gap for both
        mb.duplicates = 1;
        Correctness r = Correctness.check(List.of(c), List.of(a, b));
        assertThat(r.passed()).isFalse();
        assertThat(r.lost()).isEqualTo(1);
        assertThat(r.gaps()).isEqualTo(3); // 13 and 14 for a, 13 for b
        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(mb.position()).isEqualTo(11);
    }
}
