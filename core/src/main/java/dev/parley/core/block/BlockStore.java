package dev.parley.core.block;

import dev.parley.core.account.UserId;

import java.util.List;
import java.util.Set;

/**
 * Who blocked whom, kept on the shard of the blocker. Blocking: call from virtual threads.
 */
public interface BlockStore {

    /** Records the block; false if it was already there. */
    boolean block(UserId blocker, UserId blocked, long now);

    /** Removes the block; false if there was none. */
    boolean unblock(UserId blocker, UserId blocked);

    /** The blocks {@code blocker} made, newest first. */
    List<Block> blocksBy(UserId blocker);

    /** The users who blocked {@code user} (asked of every shard). */
    Set<UserId> blockersOf(UserId user);

    /** Removes every block {@code blocker} made (their account was deleted). */
    void removeBlocksBy(UserId blocker);
}
