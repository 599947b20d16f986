package dev.parley.cluster;

/**
 * Whether this node's link to Redis works, judged from the node's own traffic: its subscription
 * is up, its last heartbeat was answered (and none has gone unanswered for longer than the node
 * ttl), the ping each heartbeat publishes to the node's own channel came back through the
 * subscription, and nothing Redis should hold for this node is waiting to be written again.
 *
 * <p>"Written again" is counted in generations: every reason to rewrite (a registration write
 * failed, Redis no longer held the node's heartbeat key, the subscription came back after a loss)
 * asks for a new generation, and a rewrite that succeeds settles the generation it started with,
 * so a failure during a rewrite is not forgotten. Thread-safe; times are {@link System#nanoTime}.
 */
final class LinkHealth {
    private final long staleNanos;
    private boolean subscribed;
    private boolean heartbeatFailed;
    /** When the heartbeat waiting for its answer was sent; 0 when none is waiting. */
    private long heartbeatSentAt;
    private long pingsSent;
    private long pingsSeen;
    /** When the oldest ping not yet seen was sent; 0 when every ping came back. */
    private long unseenSince;
    private long rewriteWanted;
    private long rewriteDone;
    private boolean rewriting;

    LinkHealth(long staleNanos) {
        this.staleNanos = staleNanos;
    }

    /** Null while the link works; otherwise what is wrong with it. */
    synchronized String problem(long now) {
        if (!subscribed) {
            return "subscription lost";
        }
        if (heartbeatFailed) {
            return "heartbeat failed";
        }
        if (heartbeatSentAt != 0 && now - heartbeatSentAt > staleNanos) {
            return "heartbeat unanswered";
        }
        if (unseenSince != 0 && now - unseenSince > staleNanos) {
            return "own ping not received";
        }
        if (rewriteWanted > rewriteDone) {
            return "this node's records are being written again";
        }
        return null;
    }

    /** Whether a heartbeat or ping has been waiting for longer than twice the ttl: the connections are stuck. */
    synchronized boolean stuck(long now) {
        return heartbeatSentAt != 0 && now - heartbeatSentAt > 2 * staleNanos
                || unseenSince != 0 && now - unseenSince > 2 * staleNanos;
    }

    synchronized boolean heartbeatWaiting() {
        return heartbeatSentAt != 0;
    }

    /** A heartbeat goes out; returns the number of the ping it publishes. */
    synchronized long heartbeatSent(long now) {
        heartbeatSentAt = now;
        return ++pingsSent;
    }

    /** The heartbeat sent at {@code sentAt} was answered at {@code now}: its ping was published just before. */
    synchronized void heartbeatAnswered(long sentAt, long now) {
        if (heartbeatSentAt == sentAt) {
            heartbeatSentAt = 0;
        }
        heartbeatFailed = false;
        if (unseenSince == 0 && pingsSeen < pingsSent) {
            unseenSince = now;
        }
    }

    synchronized void heartbeatFailed(long sentAt) {
        if (heartbeatSentAt == sentAt) {
            heartbeatSentAt = 0;
        }
        heartbeatFailed = true;
    }

    /** The heartbeat waiting for its answer will never get one (its connections were replaced). */
    synchronized void heartbeatAbandoned() {
        heartbeatSentAt = 0;
        heartbeatFailed = true;
        pingsSeen = pingsSent;
        unseenSince = 0;
    }

    synchronized void pingSeen(long ping) {
        pingsSeen = Math.max(pingsSeen, ping);
        if (pingsSeen >= pingsSent) {
            unseenSince = 0;
        }
    }

    synchronized void subscribed(boolean up) {
        subscribed = up;
        if (!up) {
            // Pings in flight died with the subscription; the next heartbeat's ping counts.
            pingsSeen = pingsSent;
            unseenSince = 0;
        }
    }

    /** Something Redis should hold for this node may be missing; returns whether it was complete until now. */
    synchronized boolean wantRewrite() {
        boolean wasComplete = rewriteWanted == rewriteDone;
        rewriteWanted++;
        return wasComplete;
    }

    /** Starts a rewrite if one is due and none runs; returns its generation, or -1. */
    synchronized long startRewrite() {
        if (rewriting || rewriteWanted == rewriteDone || !subscribed || heartbeatFailed) {
            return -1;
        }
        rewriting = true;
        return rewriteWanted;
    }

    synchronized void rewriteFinished(long generation, boolean ok) {
        rewriting = false;
        if (ok) {
            rewriteDone = Math.max(rewriteDone, generation);
        }
    }
}
