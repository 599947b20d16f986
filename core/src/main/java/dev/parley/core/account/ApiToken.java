package dev.parley.core.account;

import java.time.Instant;
import java.util.Set;

/** An API token as its owner sees it: a device no password login made, with its scopes. */
public record ApiToken(DeviceId id, UserId userId, String name, Set<Scope> scopes, Instant createdAt,
                       Instant lastUsedAt) {
}
