package dev.parley.core.account;

import java.time.Instant;

/** A registered user. The password hash is an encoded Argon2id string, never the password. */
public record Account(UserId id, String username, String passwordHash, boolean disabled, Instant createdAt) {
}
