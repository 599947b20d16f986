package dev.parley.core.memory;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.push.PendingPush;
import dev.parley.core.push.PushKey;
import dev.parley.core.push.PushStore;
import dev.parley.core.push.PushTarget;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The targets and mutes half of {@link PushStore} in memory, for tests of who is pushed. The
 * outbox half (the durable queue of pending pushes) is not kept here: its semantics are the JDBC
 * store's transactions, tested there; calling it fails loudly rather than pretending.
 */
public class MemoryPushTargets implements PushStore {
    private final Map<UserId, Map<DeviceId, PushTarget>> targets = new HashMap<>();
    private final Map<ConversationId, Set<UserId>> muted = new HashMap<>();

    @Override
    public synchronized void setTarget(UserId user, DeviceId device, PushTarget target, long now) {
        targets.computeIfAbsent(user, u -> new HashMap<>()).put(device, target);
    }

    @Override
    public synchronized boolean removeTarget(UserId user, DeviceId device) {
        Map<DeviceId, PushTarget> mine = targets.get(user);
        return mine != null && mine.remove(device) != null;
    }

    @Override
    public synchronized void removeTargets(UserId user) {
        targets.remove(user);
    }

    @Override
    public synchronized Optional<PushTarget> target(UserId user, DeviceId device) {
        return Optional.ofNullable(targets.getOrDefault(user, Map.of()).get(device));
    }

    @Override
    public synchronized Map<UserId, Map<DeviceId, PushTarget>> targets(Collection<UserId> users) {
        Map<UserId, Map<DeviceId, PushTarget>> out = new HashMap<>();
        for (UserId u : users) {
            Map<DeviceId, PushTarget> mine = targets.get(u);
            if (mine != null && !mine.isEmpty()) {
                out.put(u, Map.copyOf(mine));
            }
        }
        return out;
    }

    @Override
    public synchronized boolean setMuted(ConversationId conversation, UserId user, boolean mute) {
        Set<UserId> users = muted.computeIfAbsent(conversation, c -> new HashSet<>());
        return mute ? users.add(user) : users.remove(user);
    }

    @Override
    public synchronized Set<UserId> mutedIn(ConversationId conversation) {
        return Set.copyOf(muted.getOrDefault(conversation, Set.of()));
    }

    private static UnsupportedOperationException noOutbox() {
        return new UnsupportedOperationException("the push outbox is not kept in memory");
    }

    @Override
    public void enqueue(Map<PushKey, Long> seqs, long now, long windowMs) {
        throw noOutbox();
    }

    @Override
    public List<PendingPush> due(long now, int limit) {
        throw noOutbox();
    }

    @Override
    public OptionalLong nextDue() {
        throw noOutbox();
    }

    @Override
    public long pending() {
        throw noOutbox();
    }

    @Override
    public Optional<PendingPush> claim(PushKey key, long now, long leaseUntil, int node) {
        throw noOutbox();
    }

    @Override
    public void settle(PushKey key, long claimedSeq, Settlement how, long now, long nextDueAt) {
        throw noOutbox();
    }

    @Override
    public int resolveAbandoned(int node, long now) {
        throw noOutbox();
    }
}
