package dev.parley.sdk;

import dev.parley.protocol.ServerFrame;

/**
 * A watched user's status: online while one of their devices is connected, otherwise offline
 * since {@code lastSeen} (ms since the epoch; 0 if never seen).
 */
public record Presence(long userId, boolean online, long lastSeen) {

    static Presence of(ServerFrame.Presence p) {
        return new Presence(p.userId(), p.online(), p.lastSeen());
    }
}
