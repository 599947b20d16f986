package dev.parley.server;

import dev.parley.core.message.MessageStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deletes history older than the retention period ({@code retention.messages}), on a schedule:
 * at start-up and then every tenth of the period (at most hourly, at least every second). Devices
 * that lacked deleted entries are sent {@code resync} on their next catch-up.
 */
final class RetentionSweeper {
    private static final Logger log = LoggerFactory.getLogger(RetentionSweeper.class);

    private RetentionSweeper() {
    }

    static void schedule(ScheduledExecutorService timers, MessageStore messages, Clock clock, Duration keep) {
        long every = Math.max(1_000, Math.min(TimeUnit.HOURS.toMillis(1), keep.toMillis() / 10));
        timers.scheduleWithFixedDelay(() -> {
            Thread.ofVirtual().name("parley-retention").start(() -> sweep(messages, clock, keep));
        }, 0, every, TimeUnit.MILLISECONDS);
        log.info("retention on: messages older than {} are deleted, checked every {} ms", keep, every);
    }

    private static void sweep(MessageStore messages, Clock clock, Duration keep) {
        try {
            long deleted = messages.deleteOlderThan(clock.millis() - keep.toMillis());
            if (deleted > 0) {
                log.info("retention deleted {} history entries older than {}", deleted, keep);
            }
        } catch (RuntimeException e) {
            log.warn("retention sweep failed: {}", e.toString());
        }
    }
}
