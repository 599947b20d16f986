package dev.parley.core.presence;

/** A user's presence: online now, or offline since {@code lastSeen} (ms; 0 if never seen). */
public record Presence(boolean online, long lastSeen) {
}
