package dev.parley.core.presence;

import dev.parley.core.account.UserId;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Decides who is online (on this node). A user is online while at least one of their devices is connected; when
 * the last one goes, they stay online for a grace period and only then go offline, so a quick
 * reconnect (a network blip, a page reload) does not flap. Changes go to the {@link PresenceFeed}.
 *
 * <p>State is kept only for users with connections or inside their grace period; everyone else
 * is offline with the last-seen time from the {@link LastSeenStore}.
 */
public final class PresenceTracker {
    private final PresenceFeed feed;
    private final LastSeenStore lastSeen;
    private final PresenceDirectory directory;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final long graceMs;
    private final ConcurrentHashMap<UserId, State> states = new ConcurrentHashMap<>();

    /** One user's connections on this node. Changes and their announcements happen under its lock, in order. */
    private static final class State {
        int connections;
        ScheduledFuture<?> goingOffline;
        long lastDisconnectAt;
        /** Removed from the map: a new connection must start a new state. */
        boolean gone;
    }

    public PresenceTracker(PresenceFeed feed, LastSeenStore lastSeen, Clock clock, ScheduledExecutorService scheduler,
                           Duration grace) {
        this(feed, lastSeen, PresenceDirectory.SINGLE_NODE, clock, scheduler, grace);
    }

    /**
     * In a cluster, {@code feed} receives this node's view (online here or not) and works out
     * the cluster-wide change; {@code directory} answers for the other nodes.
     */
    public PresenceTracker(PresenceFeed feed, LastSeenStore lastSeen, PresenceDirectory directory, Clock clock,
                           ScheduledExecutorService scheduler, Duration grace) {
        this.feed = feed;
        this.lastSeen = lastSeen;
        this.directory = directory;
        this.clock = clock;
        this.scheduler = scheduler;
        this.graceMs = grace.toMillis();
    }

    /** A device of the user connected. */
    public void connected(UserId user) {
        while (true) {
            State s = states.computeIfAbsent(user, u -> new State());
            synchronized (s) {
                if (s.gone) {
                    continue;
                }
                boolean cameOnline = s.connections == 0 && s.goingOffline == null;
                s.connections++;
                if (s.goingOffline != null) {
                    s.goingOffline.cancel(false);
                    s.goingOffline = null;
                }
                if (cameOnline) {
                    feed.changed(user, new Presence(true, clock.millis()));
                }
                return;
            }
        }
    }

    /** A device of the user disconnected. */
    public void disconnected(UserId user) {
        State s = states.get(user);
        if (s == null) {
            return;
        }
        synchronized (s) {
            if (s.gone || s.connections == 0) {
                return;
            }
            s.connections--;
            if (s.connections == 0) {
                // The moment the last connection ended is when the user was last seen, whenever
                // the grace period lets the change out.
                s.lastDisconnectAt = clock.millis();
                try {
                    s.goingOffline = scheduler.schedule(() -> goOffline(user, s), graceMs, TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
                    // The node is stopping; its users' presence ends with it (in a cluster the
                    // others reap it).
                }
            }
        }
    }

    private void goOffline(UserId user, State s) {
        synchronized (s) {
            if (s.gone || s.connections > 0 || s.goingOffline == null) {
                return;
            }
            s.gone = true;
            states.remove(user, s);
            feed.changed(user, new Presence(false, s.lastDisconnectAt));
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
        if (states.containsKey(user) || directory.onlineElsewhere(user)) {
            return new Presence(true, clock.millis());
        }
        return new Presence(false, lastSeen.lastSeen(user));
    }

    /** Each of {@code users} with their presence now, as a {@code watch} answers; blocking like {@link #presenceOf(UserId)}. */
    public Map<UserId, Presence> presenceOf(Collection<UserId> users) {
        Map<UserId, Presence> now = new HashMap<>();
        for (UserId u : users) {
            now.put(u, presenceOf(u));
        }
        return now;
    }
}
