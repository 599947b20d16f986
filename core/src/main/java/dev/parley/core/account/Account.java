package dev.parley.core.account;

import java.time.Instant;

/** A registered user. The password hash is an encoded Argon2id string, never the password. */
public record Account(UserId id, String username, String passwordHash, boolean disabled, Instant createdAt,
                      boolean bot) {

    /** A person's account (not a bot). */
    public Account(UserId id, String username, String passwordHash, boolean disabled, Instant createdAt) {
        this(id, username, passwordHash, disabled, createdAt, false);
    }

    /** The username a deleted account is left with: its name is freed, its id stays for its history. */
    public static String deletedName(UserId id) {
        return "deleted-" + id.value();
    }

    /** Whether the account was deleted (see {@link AccountStore#deleteAccount}). */
    public boolean deleted() {
        return username.equals(deletedName(id));
    }
}
