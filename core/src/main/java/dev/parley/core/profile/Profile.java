package dev.parley.core.profile;

import dev.parley.core.account.UserId;

/**
 * A user as other users see them; {@code bot} when the account is marked as one. {@code displayName} is the name they chose, or their username
 * when they chose none; null for a deleted account. {@code avatar} is the version of their current
 * avatar image (a random token that changes with every upload), or null.
 */
public record Profile(UserId userId, String username, String displayName, String status, String avatar,
                      boolean deleted, boolean bot) {

    /** A person (not a bot). */
    public Profile(UserId userId, String username, String displayName, String status, String avatar,
                   boolean deleted) {
        this(userId, username, displayName, status, avatar, deleted, false);
    }

    /** How a deleted account appears: no name, no status, no avatar. */
    public static Profile deleted(UserId userId, String username) {
        return new Profile(userId, username, null, null, null, true);
    }
}
