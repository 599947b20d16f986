package dev.parley.core.block;

import dev.parley.core.ChatException;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.Caller;
import dev.parley.core.account.UserId;
import dev.parley.core.request.MessageRequests;

import java.time.Clock;
import java.util.List;

/**
 * Blocking and unblocking, and the caller's list of blocks. A block stops, from now on: the
 * blocked user writing to (or opening) the direct conversation, and the blocker too until they
 * unblock; the blocked user adding the blocker to groups; the blocked user seeing the blocker's
 * presence, typing and receipts; pushes to the blocker for the blocked user's messages. Shared
 * groups keep both as members. A pending message request from the blocked user is declined.
 * Unblocking restores everything from then on. Blocking: run on virtual threads.
 */
public final class BlockService {
    /** Most users one user may have blocked. */
    public static final int MAX_BLOCKS = 10_000;

    private final BlockStore store;
    private final BlockDirectory directory;
    private final AccountStore accounts;
    private final MessageRequests requests;
    private final Clock clock;

    public BlockService(BlockStore store, BlockDirectory directory, AccountStore accounts, MessageRequests requests,
                        Clock clock) {
        this.store = store;
        this.directory = directory;
        this.accounts = accounts;
        this.requests = requests;
        this.clock = clock;
    }

    /** Blocks {@code user}; blocking someone already blocked changes nothing. */
    public void block(Caller caller, UserId user) {
        if (user.equals(caller.userId())) {
            throw ChatException.invalid("you cannot block yourself");
        }
        if (accounts.findAccount(user).isEmpty()) {
            throw ChatException.notFound("user");
        }
        if (store.blocksBy(caller.userId()).size() >= MAX_BLOCKS) {
            throw new ChatException(ChatException.Refusal.TOO_LARGE, "at most " + MAX_BLOCKS + " blocks per user");
        }
        if (store.block(caller.userId(), user, clock.millis())) {
            directory.changed(caller.userId(), user);
        }
        requests.declineFrom(caller.userId(), user);
    }

    /** Unblocks {@code user}; NOT_FOUND if they were not blocked. */
    public void unblock(Caller caller, UserId user) {
        if (!store.unblock(caller.userId(), user)) {
            throw ChatException.notFound("block");
        }
        directory.changed(caller.userId(), user);
    }

    /** The caller's blocks, newest first. */
    public List<Block> blocks(Caller caller) {
        return store.blocksBy(caller.userId());
    }
}
