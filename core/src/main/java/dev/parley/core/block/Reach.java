package dev.parley.core.block;

import dev.parley.core.account.UserId;

import java.util.Set;

/**
 * What one user's blocks say about reaching them: whom they blocked, who blocked them, and
 * whether their account is deleted (a deleted account is reached by nobody).
 */
public record Reach(Set<UserId> blocked, Set<UserId> blockers, boolean deleted) {
    static final Reach OPEN = new Reach(Set.of(), Set.of(), false);

    public Reach {
        blocked = Set.copyOf(blocked);
        blockers = Set.copyOf(blockers);
    }

    /** Whether this user and {@code other} may write to each other: neither blocked the other. */
    public boolean open(UserId other) {
        return !deleted && !blocked.contains(other) && !blockers.contains(other);
    }
}
