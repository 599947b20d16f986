package dev.parley.core.limit;

import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;
import org.slf4j.event.SubstituteLoggingEvent;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.SubstituteLogger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitedLogTest {
    private final Queue<SubstituteLoggingEvent> events = new ConcurrentLinkedQueue<>();
    // With no delegate, a SubstituteLogger records every event in the queue (slf4j-api, no backend).
    private final SubstituteLogger logger = new SubstituteLogger("test", events, false);
    private final AtomicLong now = new AtomicLong(1_000);
    private final RateLimitedLog log = new RateLimitedLog(logger, Level.WARN, Duration.ofSeconds(10), now::get);

    @Test
    void theFirstOccurrenceIsWrittenAtOnceAndRepeatsWithinTheIntervalAreOnlyCounted() {
        assertThat(log.log("write failed: {}", "disk full")).isTrue();
        for (int i = 0; i < 5_000; i++) {
            now.addAndGet(1_000_000);  // 1 ms apart: 5 s in all
            assertThat(log.log("write failed: {}", "disk full")).isFalse();
        }

        assertThat(lines()).containsExactly("WARN write failed: disk full");
        assertThat(log.heldBack()).isEqualTo(5_000);
    }

    @Test
    void theNextLineAfterTheIntervalCarriesTheCountHeldBack() {
        log.log("write failed: {}", "disk full");
        for (int i = 0; i < 37; i++) {
            log.log("write failed: {}", "disk full");
        }
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(log.log("write failed: {}", "still full")).isTrue();
        now.addAndGet(Duration.ofSeconds(10).toNanos());
        assertThat(log.log("write failed: {}", "once more")).isTrue();

        assertThat(lines()).containsExactly(
                "WARN write failed: disk full",
                "WARN write failed: still full (37 more since the last report)",
                "WARN write failed: once more");
        assertThat(log.heldBack()).isZero();
    }

    /** Each recorded event as "LEVEL formatted message". */
    private List<String> lines() {
        List<String> out = new ArrayList<>();
        for (SubstituteLoggingEvent e : events) {
            out.add(e.getLevel() + " " + MessageFormatter.basicArrayFormat(e.getMessage(), e.getArgumentArray()));
        }
        return out;
    }
}
