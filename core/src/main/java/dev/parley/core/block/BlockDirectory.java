package dev.parley.core.block;

import dev.parley.core.account.Account;
import dev.parley.core.account.AccountStore;
import dev.parley.core.account.UserId;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * Each user's {@link Reach}, cached on every node, so that the paths that must honour blocks (a
 * direct send, typing, receipts, presence, push) read no database after the first time. The store
 * stays the source of truth: a change drops the two users' entries here ({@link #changed}) and,
 * through {@link #onChange}, on the other nodes of a cluster.
 *
 * <p>A send racing a block may still be accepted: the block takes effect from the moment this
 * node has seen it, as a block in any messenger does.
 */
public final class BlockDirectory {
    private final BlockStore store;
    private final AccountStore accounts;
    private final Executor blocking;
    private final int maxEntries;
    private final ConcurrentHashMap<UserId, Reach> cache = new ConcurrentHashMap<>();
    /**
     * Loads in flight, one per user: a burst of sends from an uncached user waits for one load
     * instead of starting one each.
     */
    private final ConcurrentHashMap<UserId, CompletableFuture<Reach>> loading = new ConcurrentHashMap<>();
    /** Counts changes, so a load that overlapped one does not cache what it read before it. */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    private volatile BiConsumer<UserId, UserId> announce = (a, b) -> { };
    private volatile BiConsumer<UserId, UserId> local = (a, b) -> { };

    public BlockDirectory(BlockStore store, AccountStore accounts, Executor blocking, int maxEntries) {
        this.store = store;
        this.accounts = accounts;
        this.blocking = blocking;
        this.maxEntries = maxEntries;
    }

    /** The user's reach if it is cached, else null (then {@link #reach} loads it). Never blocks. */
    public Reach cached(UserId user) {
        return cache.get(user);
    }

    /** The user's reach, from the cache or loaded on a virtual thread. */
    public CompletableFuture<Reach> reach(UserId user) {
        Reach r = cache.get(user);
        if (r != null) {
            return CompletableFuture.completedFuture(r);
        }
        CompletableFuture<Reach> mine = new CompletableFuture<>();
        CompletableFuture<Reach> running = loading.putIfAbsent(user, mine);
        if (running != null) {
            return running;
        }
        blocking.execute(() -> {
            try {
                mine.complete(load(user));
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
            } finally {
                loading.remove(user, mine);
            }
        });
        return mine;
    }

    /** Blocking form of {@link #reach}. */
    public Reach reachNow(UserId user) {
        Reach r = cache.get(user);
        return r != null ? r : reach(user).join();
    }

    /** Whether {@code a} and {@code b} may write to each other (neither blocked the other, neither is deleted). */
    public CompletableFuture<Boolean> open(UserId a, UserId b) {
        return reach(a).thenCombine(reach(b), (ra, rb) -> ra.open(b) && rb.open(a));
    }

    /**
     * Refuses (UNREACHABLE) when one of {@code users} blocked {@code adder} or is a deleted account:
     * nobody is put into a group by someone they blocked. Blocking.
     */
    public void requireAddable(UserId adder, java.util.Collection<UserId> users) {
        for (UserId u : users) {
            if (u.equals(adder)) {
                continue;
            }
            Reach r = reachNow(u);
            if (r.blocked().contains(adder) || r.deleted()) {
                throw new dev.parley.core.ChatException(dev.parley.core.ChatException.Refusal.UNREACHABLE,
                        "a user named cannot be added by you");
            }
        }
    }

    /**
     * {@code blocker} blocked or unblocked {@code blocked} here (or one of them was deleted, with
     * {@code blocked} null): both entries are dropped, this node's listener runs, and the change
     * is announced to the other nodes.
     */
    public void changed(UserId blocker, UserId blocked) {
        drop(blocker, blocked);
        local.accept(blocker, blocked);
        announce.accept(blocker, blocked);
    }

    /** Another node committed a change between these users ({@code blocked} may be null). */
    public void changedElsewhere(UserId blocker, UserId blocked) {
        drop(blocker, blocked);
        local.accept(blocker, blocked);
    }

    /** Who hears of changes committed on this node (the cluster's invalidation). */
    public void onChange(BiConsumer<UserId, UserId> announce) {
        this.announce = announce;
    }

    /** What this node does after any change, wherever committed (presence watches are checked again). */
    public void onAnyChange(BiConsumer<UserId, UserId> local) {
        this.local = local;
    }

    private void drop(UserId a, UserId b) {
        changes.incrementAndGet();
        cache.remove(a);
        if (b != null) {
            cache.remove(b);
        }
    }

    private Reach load(UserId user) {
        long before = changes.get();
        boolean deleted = accounts.findAccount(user).map(Account::deleted).orElse(true);
        var blocked = store.blocksBy(user).stream().map(Block::blocked).toList();
        var blockers = store.blockersOf(user);
        Reach r = blocked.isEmpty() && blockers.isEmpty() && !deleted ? Reach.OPEN
                : new Reach(java.util.Set.copyOf(blocked), blockers, deleted);
        if (cache.size() >= maxEntries) {
            // Arbitrary eviction is enough: a miss costs one read per shard.
            Iterator<UserId> it = cache.keySet().iterator();
            for (int i = 0; i < Math.max(1, maxEntries / 10) && it.hasNext(); i++) {
                it.next();
                it.remove();
            }
        }
        cache.put(user, r);
        if (changes.get() != before) {
            cache.remove(user, r);
        }
        return r;
    }
}
