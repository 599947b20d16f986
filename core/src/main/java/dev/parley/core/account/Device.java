package dev.parley.core.account;

import java.time.Instant;

/** One login of a user, with its own access token (stored only as a hash). */
public record Device(DeviceId id, UserId userId, String name, Instant createdAt, Instant lastSeenAt) {
}
