package dev.parley.core.conversation;

import dev.parley.core.ChatException;
import dev.parley.core.account.UserId;

import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

/**
 * Caches each conversation's {@link Membership} so that a send costs no database read for the
 * authorization check or the fan-out audience. The store stays the source of truth: it checks
 * membership again inside the append transaction, and a refusal there invalidates the entry.
 *
 * <p>Snapshots carry a version (the seq of the last membership event); {@link #update} never
 * replaces a newer snapshot with an older one, so a slow load cannot undo a fresh change.
 */
public final class MembershipDirectory {
    private final ConversationStore store;
    private final Executor blocking;
    private final int maxEntries;
    private final ConcurrentHashMap<ConversationId, Membership> cache = new ConcurrentHashMap<>();
    private volatile Consumer<Membership> changes = m -> { };

    public MembershipDirectory(ConversationStore store, Executor blocking, int maxEntries) {
        this.store = store;
        this.blocking = blocking;
        this.maxEntries = maxEntries;
    }

    /** The membership, from the cache or loaded; fails with NOT_FOUND if there is no such conversation. */
    public CompletableFuture<Membership> get(ConversationId id) {
        Membership m = cache.get(id);
        if (m != null) {
            return CompletableFuture.completedFuture(m);
        }
        return CompletableFuture.supplyAsync(() -> load(id), blocking);
    }

    /** Like {@link #get}, but blocking; for callers already on a virtual thread. */
    public Membership getNow(ConversationId id) {
        Membership m = cache.get(id);
        return m != null ? m : load(id);
    }

    /** The membership if the user is a current member; NOT_FOUND otherwise, exactly as for no conversation. */
    public CompletableFuture<Membership> requireMember(UserId user, ConversationId id) {
        Membership m = cache.get(id);
        if (m != null) {
            return m.isMember(user)
                    ? CompletableFuture.completedFuture(m)
                    : CompletableFuture.failedFuture(ChatException.notFound("conversation"));
        }
        return get(id).thenApply(loaded -> {
            if (!loaded.isMember(user)) {
                throw ChatException.notFound("conversation");
            }
            return loaded;
        });
    }

    /**
     * The cached membership if {@code user} is a member of it; null when it is not cached or the
     * user is not a member, for {@link #requireMember} to decide. Never blocks; no future.
     */
    public Membership cachedMember(UserId user, ConversationId id) {
        Membership m = cache.get(id);
        return m != null && m.isMember(user) ? m : null;
    }

    /** Blocking form of {@link #requireMember}. */
    public Membership requireMemberNow(UserId user, ConversationId id) {
        Membership m = getNow(id);
        if (!m.isMember(user)) {
            throw ChatException.notFound("conversation");
        }
        return m;
    }

    /** Installs a snapshot unless the cache already holds a newer one. */
    public void update(Membership m) {
        cache.merge(m.conversationId(), m, (old, fresh) -> fresh.version() >= old.version() ? fresh : old);
        trim();
    }

    /**
     * Records a membership change committed on this node: cached here, and announced to
     * {@link #onChange} (other nodes of a cluster drop their older copies).
     */
    public void changed(Membership m) {
        update(m);
        changes.accept(m);
    }

    /** Who hears of changes committed on this node (the cluster's invalidation). */
    public void onChange(Consumer<Membership> listener) {
        this.changes = listener;
    }

    /** Another node committed a change at {@code version}: drop a copy older than that. */
    public void changedElsewhere(ConversationId id, long version) {
        cache.computeIfPresent(id, (k, m) -> m.version() < version ? null : m);
    }

    /** The cached membership if there is one, else {@code fallback}; never blocks. */
    public Membership current(ConversationId id, Membership fallback) {
        Membership m = cache.get(id);
        return m != null && m.version() >= fallback.version() ? m : fallback;
    }

    public void invalidate(ConversationId id) {
        cache.remove(id);
    }

    /** Forgets every cached membership: for when this node may have missed changes made elsewhere. */
    public void invalidateAll() {
        cache.clear();
    }

    private Membership load(ConversationId id) {
        Membership m = store.membership(id).orElseThrow(() -> ChatException.notFound("conversation"));
        update(m);
        return cache.getOrDefault(id, m);
    }

    private void trim() {
        if (cache.size() <= maxEntries) {
            return;
        }
        // Evicting arbitrary entries is enough: a miss costs one indexed read, and hot entries
        // come straight back.
        int toDrop = Math.max(1, maxEntries / 10);
        Iterator<ConversationId> it = cache.keySet().iterator();
        while (toDrop-- > 0 && it.hasNext()) {
            it.next();
            it.remove();
        }
    }
}
