package dev.parley.core.presence;

import dev.parley.core.account.UserId;

/**
 * Whether a user is online through another node of the cluster. Blocking. On a single node
 * nobody is.
 */
public interface PresenceDirectory {

    PresenceDirectory SINGLE_NODE = user -> false;

    boolean onlineElsewhere(UserId user);
}
