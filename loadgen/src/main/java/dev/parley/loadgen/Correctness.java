package dev.parley.loadgen;

import io.vertx.core.json.JsonObject;

import java.util.BitSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The end-of-run check of what the devices saw against what was confirmed. Per conversation
 * and member device, every seq from the run's start up to the highest one seen must have reached
 * the device exactly once: either as its own confirmed send, or as a {@code message} frame, in
 * increasing order.
 *
 * @param confirmed          sends confirmed (by {@code sent}, or by the sender's own entry in a catch-up)
 * @param expectedDeliveries confirmed sends times the other member devices of their conversation
 * @param delivered          distinct entries written to devices that did not send them
 * @param lost               confirmed entries a member device never received
 * @param gaps               entries below the highest seen that a device neither sent nor received
 *                           and whose sender got no confirmation either
 * @param duplicates         entries a device received more than once
 * @param outOfOrder         entries received after a higher seq of the same conversation
 * @param echoes             a device's own entry confirmed twice (written back to it as well as {@code sent})
 * @param unconfirmed        sends still without an answer when the run ended
 * @param resyncs            {@code resync} frames (the node gave up catching a device up)
 * @param unexpectedCloses   connections the node closed during the run (not counted when resuming)
 * @param unknown            entries for conversations the device is not in
 */
record Correctness(long confirmed, long expectedDeliveries, long delivered, long lost, long gaps, long duplicates,
                   long outOfOrder, long echoes, long unconfirmed, long resyncs, long unexpectedCloses, long unknown,
                   List<String> samples) {
    /** How many violations are described one by one in the results, to start a diagnosis from. */
    static final int MAX_SAMPLES = 30;


    boolean passed() {
        return lost == 0 && gaps == 0 && duplicates == 0 && outOfOrder == 0 && echoes == 0 && unconfirmed == 0
                && resyncs == 0 && unexpectedCloses == 0 && unknown == 0 && delivered >= expectedDeliveries;
    }

    /** Call once the event loops are quiet (after {@link GeneratorClients#barrier}). */
    static Correctness check(Collection<Conv> conversations, Collection<Device> devices) {
        long confirmed = 0, expected = 0, delivered = 0, lost = 0, gaps = 0, dup = 0, ooo = 0;
        List<String> samples = new ArrayList<>();
        for (Conv c : conversations) {
            BitSet anyConfirmed = new BitSet();
            int max = 0;
            for (Conv.Member m : c.members) {
                anyConfirmed.or(m.confirmed);
                max = Math.max(max, Math.max(m.received.length(), m.confirmed.length()));
            }
            int count = anyConfirmed.cardinality();
            confirmed += count;
            expected += (long) count * (c.members.size() - 1);
            for (Conv.Member m : c.members) {
                dup += m.duplicates;
                ooo += m.outOfOrder;
                delivered += m.received.cardinality();
                BitSet missing = new BitSet(max);
                missing.set(0, max);
                missing.andNot(m.received);
                missing.andNot(m.confirmed);
                BitSet lostHere = (BitSet) missing.clone();
                lostHere.and(anyConfirmed);
                lost += lostHere.cardinality();
                gaps += missing.cardinality() - lostHere.cardinality();
                for (int i = missing.nextSetBit(0); i >= 0 && samples.size() < MAX_SAMPLES; i = missing.nextSetBit(i + 1)) {
                    samples.add((lostHere.get(i) ? "lost" : "gap") + ": conversation " + c.id + " seq " + (c.base + 1 + i)
                            + " never reached device " + m.device.user.deviceId() + " (user " + m.device.user.userId()
                            + "; last received seq " + (c.base + 1 + m.lastReceived) + ")");
                }
                if ((m.duplicates > 0 || m.outOfOrder > 0) && samples.size() < MAX_SAMPLES) {
                    samples.add("device " + m.device.user.deviceId() + " in conversation " + c.id + ": " + m.duplicates
                            + " duplicates, " + m.outOfOrder + " out of order");
                }
            }
        }
        List<String> echoSamples = new ArrayList<>();
        long echoes = 0, unconfirmed = 0, resyncs = 0, closes = 0, unknown = 0;
        for (Device d : devices) {
            echoes += d.echoes;
            unconfirmed += d.inflight();
            resyncs += d.resyncs;
            closes += d.unexpectedCloses;
            unknown += d.unknownConversation;
            for (String e : d.echoSamples) {
                if (echoSamples.size() < 10) {
                    echoSamples.add(e);
                }
            }
        }
        return new Correctness(confirmed, expected, delivered, lost, gaps, dup, ooo, echoes, unconfirmed, resyncs, closes,
                unknown, concat(echoSamples, samples));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out.subList(0, Math.min(out.size(), MAX_SAMPLES + 10)));
    }

    JsonObject toJson() {
        return new JsonObject().put("passed", passed()).put("confirmed", confirmed)
                .put("expectedDeliveries", expectedDeliveries).put("delivered", delivered).put("lost", lost)
                .put("gaps", gaps).put("duplicates", duplicates).put("outOfOrder", outOfOrder).put("echoes", echoes)
                .put("unconfirmed", unconfirmed).put("resyncs", resyncs).put("unexpectedCloses", unexpectedCloses)
                .put("unknownConversation", unknown).put("samples", new io.vertx.core.json.JsonArray(samples));
    }

    String line() {
        return String.format("%s: confirmed %,d, delivered %,d of %,d expected; lost %d, gaps %d, duplicates %d, "
                        + "out of order %d, echoes %d, unconfirmed %d, resyncs %d, closed by node %d",
                passed() ? "PASS" : "FAIL", confirmed, delivered, expectedDeliveries, lost, gaps, duplicates, outOfOrder,
                echoes, unconfirmed, resyncs, unexpectedCloses);
    }
}
