package dev.parley.core.profile;

import dev.parley.core.account.UserId;

/**
 * A user as other users see them. {@code displayName} is the name they chose, or their username
 * when they chose none; null for a deleted account. {@code avatar} is the version of their current
 * avatar image (a random token that changes with every upload), or null.
 */
public record Profile(UserId userId, String username, String displayName, String status, String avatar,
                      boolean deleted) {

    /** How a deleted account appears: no name, no status, no avatar. */
    public static Profile deleted(UserId userId, String username) {
        return new Profile(userId, username, null, null, null, true);
    }
}
