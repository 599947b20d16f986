package dev.parley.core.presence;

import dev.parley.core.account.UserId;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Decides who is online. A user is online while at least one of their devices is connected; when
 * the last one goes, they stay online for a grace period and only then go offline, so a quick
 * reconnect (a network blip, a page reload) does not flap. Changes go to the {@link PresenceFeed}.
 *
 * <p>State is kept only for users with connections or inside their grace period; everyone else
 * is offline with the last-seen time from the {@link LastSeenStore}.
 */
public final class PresenceTracker {
    private final PresenceFeed feed;
    private final LastSeenStore lastSeen;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final long graceMs;
    private final ConcurrentHashMap<UserId, State> states = new ConcurrentHashMap<>();

    private static final class State {
        int connections;
        ScheduledFuture<?> goingOffline;
    }

    public PresenceTracker(PresenceFeed feed, LastSeenStore lastSeen, Clock clock, ScheduledExecutorService scheduler,
                           Duration grace) {
        this.feed = feed;
        this.lastSeen = lastSeen;
        this.clock = clock;
        this.scheduler = scheduler;
        this.graceMs = grace.toMillis();
    }

    /** A device of the user connected. */
    public void connected(UserId user) {
        boolean[] cameOnline = new boolean[1];
        states.compute(user, (u, s) -> {
            if (s == null) {
                s = new State();
                cameOnline[0] = true;
            }
            s.connections++;
            if (s.goingOffline != null) {
                s.goingOffline.cancel(false);
                s.goingOffline = null;
            }
            return s;
        });
        if (cameOnline[0]) {
            feed.changed(user, new Presence(true, clock.millis()));
        }
    }

    /** A device of the user disconnected. */
    public void disconnected(UserId user) {
        states.computeIfPresent(user, (u, s) -> {
            s.connections--;
            if (s.connections <= 0) {
                s.connections = 0;
                s.goingOffline = scheduler.schedule(() -> goOffline(u), graceMs, TimeUnit.MILLISECONDS);
            }
            return s;
        });
    }

    private void goOffline(UserId user) {
        boolean[] wentOffline = new boolean[1];
        states.computeIfPresent(user, (u, s) -> {
            if (s.connections == 0) {
                wentOffline[0] = true;
                return null;
            }
            return s;
        });
        if (wentOffline[0]) {
            feed.changed(user, new Presence(false, clock.millis()));
        }
    }

    /** Users online now (including those inside their grace period). */
    public int onlineCount() {
        return states.size();
    }

    public boolean isOnline(UserId user) {
        return states.containsKey(user);
    }

    /** The user's presence now; blocking when the user is offline (reads the last-seen time). */
    public Presence presenceOf(UserId user) {
        if (states.containsKey(user)) {
            return new Presence(true, clock.millis());
        }
        return new Presence(false, lastSeen.lastSeen(user));
    }
}
