package dev.parley.loadgen;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A latency recorder that any thread writes to and one reads intervals from, with a recorder of
 * its own for each writing thread. One HdrHistogram {@code Recorder} shared by the generator's
 * event loops made every delivery contend for the same counters (the recorder's phaser, the
 * histogram's total and largest value): a tenth of the generator's time in a fan-out profile,
 * where each loop records a hundred thousand deliveries a second.
 */
final class ThreadRecorders {
    private final long highest;
    private final int digits;
    private final CopyOnWriteArrayList<SingleWriterRecorder> all = new CopyOnWriteArrayList<>();
    private final ThreadLocal<SingleWriterRecorder> mine = ThreadLocal.withInitial(this::newRecorder);

    ThreadRecorders(long highest, int digits) {
        this.highest = highest;
        this.digits = digits;
    }

    private SingleWriterRecorder newRecorder() {
        SingleWriterRecorder r = new SingleWriterRecorder(highest, digits);
        all.add(r);
        return r;
    }

    /** Any thread. */
    void recordValue(long value) {
        mine.get().recordValue(value);
    }

    /** Everything recorded by any thread since the last call (one reader at a time). */
    Histogram getIntervalHistogram() {
        Histogram h = new Histogram(highest, digits);
        for (SingleWriterRecorder r : all) {
            h.add(r.getIntervalHistogram());
        }
        return h;
    }
}
