package dev.parley.app.consistency;

import java.util.Map;

/**
 * Waiting, at the end of a run, until a device holds each of its conversations up to the last
 * entry the run knows was stored there — whether it got them over a socket or by pulling.
 */
final class CaughtUp {
    private CaughtUp() {
    }

    /**
     * Returns once {@code held} reaches {@code last} in every one of {@code conversations};
     * fails naming the device ({@code device}, and how it got entries: {@code verb}) at {@code deadline}.
     */
    static void await(String device, String verb, Map<Long, Long> held, Map<Long, Long> last,
                      Iterable<Long> conversations, long deadline) throws InterruptedException {
        for (long conversation : conversations) {
            long target = last.getOrDefault(conversation, 0L);
            while (held.getOrDefault(conversation, 0L) < target) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(device + " " + verb + " conversation " + conversation + " up to "
                            + held.getOrDefault(conversation, 0L) + ", not " + target);
                }
                Thread.sleep(20);
            }
        }
    }
}
