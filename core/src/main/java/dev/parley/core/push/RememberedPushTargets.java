package dev.parley.core.push;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;

import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A {@link PushStore} that remembers which devices of each user have a target and who muted each
 * conversation, so that deciding whom to push for a committed entry ({@link PushPolicy#recipients})
 * reads no database after the first time: the push intake did two reads per entry even when no
 * recipient had a target at all (0.10 cores at 7,000 msg/s, docs/benchmarks.md). Everything else
 * (the outbox, a single device's target at send time) goes straight to the store.
 *
 * <p>The store stays the source of truth. A change made through this object drops what it
 * remembered of that user (or conversation) and is announced ({@link #onChange}); another node's
 * announcement drops it here ({@link #targetsChangedElsewhere}, {@link #mutesChangedElsewhere}). A
 * load that overlapped a change is not remembered, so a stale read never outlives the change. In a
 * cluster, a target registered on another node is pushed from this node once the announcement
 * arrives (milliseconds); a target removed elsewhere in that window costs one outbox row that the
 * send-time check ({@link PushStore#target}) then skips.
 *
 * <p>Threading: any thread. Bounded: at most {@code maxEntries} users and as many conversations;
 * past that an arbitrary tenth is forgotten (a miss costs one read).
 */
public final class RememberedPushTargets implements PushStore {
    private final PushStore store;
    private final int maxEntries;
    /** Per user, the devices with a target (empty: none). */
    private final ConcurrentHashMap<UserId, Map<DeviceId, PushTarget>> targets = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ConversationId, Set<UserId>> muted = new ConcurrentHashMap<>();
    private final AtomicLong targetChanges = new AtomicLong();
    private final AtomicLong muteChanges = new AtomicLong();
    private volatile Consumer<UserId> targetsAnnounce = u -> { };
    private volatile Consumer<ConversationId> mutesAnnounce = c -> { };

    public RememberedPushTargets(PushStore store, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        this.store = store;
        this.maxEntries = maxEntries;
    }

    /** Who hears of changes made on this node (the cluster's invalidation). */
    public void onChange(Consumer<UserId> targetsChanged, Consumer<ConversationId> mutesChanged) {
        this.targetsAnnounce = targetsChanged;
        this.mutesAnnounce = mutesChanged;
    }

    /** Another node changed the user's targets. */
    public void targetsChangedElsewhere(UserId user) {
        targetChanges.incrementAndGet();
        targets.remove(user);
    }

    /** Another node changed who muted the conversation. */
    public void mutesChangedElsewhere(ConversationId conversation) {
        muteChanges.incrementAndGet();
        muted.remove(conversation);
    }

    @Override
    public void setTarget(UserId user, DeviceId device, PushTarget target, long now) {
        try {
            store.setTarget(user, device, target, now);
        } finally {
            targetsChanged(user);
        }
    }

    @Override
    public boolean removeTarget(UserId user, DeviceId device) {
        try {
            return store.removeTarget(user, device);
        } finally {
            targetsChanged(user);
        }
    }

    @Override
    public void removeTargets(UserId user) {
        try {
            store.removeTargets(user);
        } finally {
            targetsChanged(user);
        }
    }

    @Override
    public Optional<PushTarget> target(UserId user, DeviceId device) {
        return store.target(user, device);
    }

    @Override
    public Map<UserId, Map<DeviceId, PushTarget>> targets(Collection<UserId> users) {
        Map<UserId, Map<DeviceId, PushTarget>> out = new HashMap<>();
        List<UserId> missing = new java.util.ArrayList<>();
        for (UserId u : users) {
            Map<DeviceId, PushTarget> known = targets.get(u);
            if (known == null) {
                missing.add(u);
            } else if (!known.isEmpty()) {
                out.put(u, known);
            }
        }
        if (!missing.isEmpty()) {
            long before = targetChanges.get();
            Map<UserId, Map<DeviceId, PushTarget>> loaded = store.targets(missing);
            makeRoom(targets);
            for (UserId u : missing) {
                Map<DeviceId, PushTarget> found = Map.copyOf(loaded.getOrDefault(u, Map.of()));
                if (!found.isEmpty()) {
                    out.put(u, found);
                }
                targets.put(u, found);
            }
            if (targetChanges.get() != before) {
                missing.forEach(targets::remove);
            }
        }
        return out;
    }

    /** Known when this node remembers the user's targets (read since the last change) and there are none. */
    @Override
    public boolean knownWithoutTargets(UserId user) {
        Map<DeviceId, PushTarget> known = targets.get(user);
        return known != null && known.isEmpty();
    }

    @Override
    public boolean setMuted(ConversationId conversation, UserId user, boolean mute) {
        try {
            return store.setMuted(conversation, user, mute);
        } finally {
            muteChanges.incrementAndGet();
            muted.remove(conversation);
            mutesAnnounce.accept(conversation);
        }
    }

    @Override
    public Set<UserId> mutedIn(ConversationId conversation) {
        Set<UserId> known = muted.get(conversation);
        if (known != null) {
            return known;
        }
        long before = muteChanges.get();
        Set<UserId> loaded = Set.copyOf(store.mutedIn(conversation));
        makeRoom(muted);
        muted.put(conversation, loaded);
        if (muteChanges.get() != before) {
            muted.remove(conversation, loaded);
        }
        return loaded;
    }

    @Override
    public void enqueue(Map<PushKey, Long> seqs, long now, long windowMs) {
        store.enqueue(seqs, now, windowMs);
    }

    @Override
    public List<PendingPush> due(long now, int limit) {
        return store.due(now, limit);
    }

    @Override
    public OptionalLong nextDue() {
        return store.nextDue();
    }

    @Override
    public long pending() {
        return store.pending();
    }

    @Override
    public Optional<PendingPush> claim(PushKey key, long now, long leaseUntil, int node) {
        return store.claim(key, now, leaseUntil, node);
    }

    @Override
    public void settle(PushKey key, long claimedSeq, Settlement how, long now, long nextDueAt) {
        store.settle(key, claimedSeq, how, now, nextDueAt);
    }

    @Override
    public int resolveAbandoned(int node, long now) {
        return store.resolveAbandoned(node, now);
    }

    private void targetsChanged(UserId user) {
        targetChanges.incrementAndGet();
        targets.remove(user);
        targetsAnnounce.accept(user);
    }

    private <K, V> void makeRoom(ConcurrentHashMap<K, V> cache) {
        if (cache.size() >= maxEntries) {
            Iterator<K> it = cache.keySet().iterator();
            for (int i = 0; i < Math.max(1, maxEntries / 10) && it.hasNext(); i++) {
                it.next();
                it.remove();
            }
        }
    }
}
