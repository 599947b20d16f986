package dev.parley.loadgen;

import org.HdrHistogram.Histogram;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a run counts and times, shared by the generator's event loops. Latencies are recorded in
 * microseconds twice: into a live recorder that the progress line empties every second, and into
 * the {@link Window} that covers the message's <em>send</em> time, so a message sent in a
 * measurement window counts there even when its confirmation or delivery arrives after it ends.
 */
final class Stats {
    static final long HIGHEST_MICROS = 3_600_000_000L;

    final LongAdder sent = new LongAdder();
    final LongAdder confirmed = new LongAdder();
    final LongAdder delivered = new LongAdder();
    /** Deliveries the confirmed sends owe the other member devices (what {@link #delivered} should reach). */
    final LongAdder expectedDeliveries = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder closes = new LongAdder();
    /** {@code read} receipts sent ({@code --read-receipts}), and {@code receipt} frames received. */
    final LongAdder readsSent = new LongAdder();
    final LongAdder receiptsReceived = new LongAdder();
    final ThreadRecorders liveDelivery = new ThreadRecorders(HIGHEST_MICROS, 3);
    final ThreadRecorders liveConfirmation = new ThreadRecorders(HIGHEST_MICROS, 3);
    private final ConcurrentHashMap<String, LongAdder> errorCodes = new ConcurrentHashMap<>();
    private volatile Window current;
    private volatile Window previous;

    /** Starts a measurement window for sends made from {@code startNanos} up to {@code endNanos}. */
    Window beginWindow(String name, long startNanos, long endNanos) {
        Window w = new Window(name, startNanos, endNanos);
        previous = current;
        current = w;
        return w;
    }

    private Window windowOf(long sendNanos) {
        Window c = current;
        if (c != null && c.covers(sendNanos)) {
            return c;
        }
        Window p = previous;
        return p != null && p.covers(sendNanos) ? p : null;
    }

    void onSent(long sendNanos) {
        sent.increment();
        Window w = windowOf(sendNanos);
        if (w != null) {
            w.sent.increment();
        }
    }

    void onConfirmed(long sendNanos, long nowNanos) {
        confirmed.increment();
        long micros = Math.max(0, (nowNanos - sendNanos) / 1000);
        liveConfirmation.recordValue(Math.min(micros, HIGHEST_MICROS));
        Window w = windowOf(sendNanos);
        if (w != null) {
            w.confirmed.increment();
            w.confirmation.recordValue(Math.min(micros, HIGHEST_MICROS));
        }
    }

    void onDelivered(long sendNanos, long nowNanos) {
        delivered.increment();
        if (sendNanos < 0) {
            return;
        }
        long micros = Math.max(0, (nowNanos - sendNanos) / 1000);
        liveDelivery.recordValue(Math.min(micros, HIGHEST_MICROS));
        Window w = windowOf(sendNanos);
        if (w != null) {
            w.delivered.increment();
            w.delivery.recordValue(Math.min(micros, HIGHEST_MICROS));
        }
    }

    void onError(String code) {
        errors.increment();
        errorCodes.computeIfAbsent(code == null ? "unknown" : code, c -> new LongAdder()).increment();
    }

    Map<String, Long> errorCodes() {
        Map<String, Long> out = new TreeMap<>();
        errorCodes.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Counts and latencies of the messages sent within one time span. */
    static final class Window {
        final String name;
        final long startNanos;
        final long endNanos;
        final LongAdder sent = new LongAdder();
        final LongAdder confirmed = new LongAdder();
        final LongAdder delivered = new LongAdder();
        final ThreadRecorders delivery = new ThreadRecorders(HIGHEST_MICROS, 3);
        final ThreadRecorders confirmation = new ThreadRecorders(HIGHEST_MICROS, 3);
        private Histogram deliveryTotal;
        private Histogram confirmationTotal;

        Window(String name, long startNanos, long endNanos) {
            this.name = name;
            this.startNanos = startNanos;
            this.endNanos = endNanos;
        }

        boolean covers(long sendNanos) {
            return sendNanos >= startNanos && sendNanos < endNanos;
        }

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        /** Everything recorded so far (call again to add what arrived since). */
        synchronized Histogram delivery() {
            deliveryTotal = accumulate(deliveryTotal, delivery);
            return deliveryTotal;
        }

        synchronized Histogram confirmation() {
            confirmationTotal = accumulate(confirmationTotal, confirmation);
            return confirmationTotal;
        }

        private static Histogram accumulate(Histogram total, ThreadRecorders r) {
            Histogram h = total == null ? new Histogram(HIGHEST_MICROS, 3) : total;
            h.add(r.getIntervalHistogram());
            return h;
        }
    }
}
