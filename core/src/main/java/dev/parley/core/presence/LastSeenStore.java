package dev.parley.core.presence;

import dev.parley.core.account.UserId;

/** When a user was last connected, as persisted (survives restarts). Blocking. */
public interface LastSeenStore {

    /** Milliseconds since the epoch, or 0 if the user was never seen. */
    long lastSeen(UserId user);
}
