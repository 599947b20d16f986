package dev.parley.core.conversation;

/**
 * Told of every committed membership change, in commit order, before any write committed after
 * it is confirmed. Called on the store's writer thread: must not block.
 */
public interface MembershipObserver {

    void changed(Membership membership);
}
