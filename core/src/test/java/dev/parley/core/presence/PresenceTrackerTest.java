package dev.parley.core.presence;

import dev.parley.core.account.UserId;
import dev.parley.core.memory.ChatWorld;
import dev.parley.core.memory.ManualScheduler;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Presence: online while any device is connected, offline only after a grace period, no flapping. */
class PresenceTrackerTest {
    private static final Duration GRACE = Duration.ofSeconds(5);

    private final ChatWorld.TestClock clock = new ChatWorld.TestClock();
    private final ManualScheduler scheduler = new ManualScheduler(clock);
    private final List<String> feed = new ArrayList<>();
    private final UserId bob = new UserId(7);
    private final PresenceTracker tracker = new PresenceTracker(
            (user, p) -> feed.add(user.value() + (p.online() ? " online" : " offline at " + p.lastSeen())),
            user -> 1_000L, clock, scheduler, GRACE);

    @Test
    void aUserIsOnlineFromTheFirstDeviceAndOfflineGraceAfterTheLastLeavesWithThatMomentAsLastSeen() {
        tracker.connected(bob);
        tracker.connected(bob);
        assertThat(feed).containsExactly("7 online");
        tracker.disconnected(bob);
        clock.advance(GRACE.toMillis() * 2);
        scheduler.runDue();
        assertThat(tracker.isOnline(bob)).isTrue();

        long lastLeft = clock.millis();
        tracker.disconnected(bob);
        clock.advance(GRACE.toMillis() - 1);
        scheduler.runDue();
        assertThat(feed).containsExactly("7 online");
        assertThat(tracker.presenceOf(bob).online()).isTrue();
        clock.advance(1);
        scheduler.runDue();
        assertThat(feed).containsExactly("7 online", "7 offline at " + lastLeft);
        assertThat(tracker.isOnline(bob)).isFalse();
    }

    @Test
    void aReconnectWithinTheGracePeriodIsNoChangeAtAll() {
        tracker.connected(bob);
        tracker.disconnected(bob);
        clock.advance(GRACE.toMillis() / 2);
        tracker.connected(bob);
        clock.advance(GRACE.toMillis() * 2);
        scheduler.runDue();
        assertThat(feed).containsExactly("7 online");
        assertThat(scheduler.pending()).isZero();
    }

    @Test
    void someoneNeverConnectedHereIsOfflineWithTheStoredLastSeen() {
        assertThat(tracker.presenceOf(bob)).isEqualTo(new Presence(false, 1_000L));
        tracker.disconnected(bob);
        assertThat(feed).isEmpty();
    }
}
