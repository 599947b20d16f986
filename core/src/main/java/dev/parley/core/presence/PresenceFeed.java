package dev.parley.core.presence;

import dev.parley.core.account.UserId;

/**
 * Where presence changes go: to the connections watching the user, wherever they are.
 * Called from the tracker's threads; must not block.
 */
public interface PresenceFeed {

    void changed(UserId user, Presence presence);
}
