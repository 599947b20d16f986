package dev.parley.core.push;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.block.BlockDirectory;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Who is pushed for a new entry: every device with a target of every member except the sender,
 * unless the member muted the conversation or the device is connected (it receives the entry on
 * its connection). Only text messages push; membership events do not.
 *
 * <p>The sender's own other devices are not pushed: they learn of the message when they next
 * connect, and the sender, who just wrote it, needs no notification of it.
 */
public final class PushPolicy {
    private final PushStore store;
    private final DeviceLiveness liveness;
    /** Who blocked whom: a member who blocked the sender is not pushed for them. Null: no blocks. */
    private final BlockDirectory blocks;

    public PushPolicy(PushStore store, DeviceLiveness liveness) {
        this(store, liveness, null);
    }

    public PushPolicy(PushStore store, DeviceLiveness liveness, BlockDirectory blocks) {
        this.store = store;
        this.liveness = liveness;
        this.blocks = blocks;
    }

    /** Whether an entry of this kind ever pushes. */
    public static boolean pushes(Message m) {
        return m.kind() == MessageKind.TEXT;
    }

    /**
     * Whether {@code m} may push anyone, decided from memory only (never blocks, so the store's
     * writer thread may ask): false when it is not a text message, or when every member but the
     * sender is known to have no target. Then the push intake need not see the entry at all: at
     * thousands of messages a second among users without push targets, handing each entry to the
     * intake thread cost ~11 µs of CPU per message, mostly waking that thread (docs/benchmarks.md,
     * issue 19). True when unsure; {@link #recipients} then decides.
     */
    public boolean mayPush(Message m, Collection<UserId> audience) {
        if (!pushes(m)) {
            return false;
        }
        for (UserId user : audience) {
            if (!user.equals(m.senderId()) && !store.knownWithoutTargets(user)) {
                return true;
            }
        }
        return false;
    }

    /** The keys to push for {@code m}, each with the entry's seq. Blocking (store reads). */
    public Map<PushKey, Long> recipients(Message m, Collection<UserId> audience) {
        if (!pushes(m)) {
            return Map.of();
        }
        Set<UserId> users = new LinkedHashSet<>(audience);
        users.remove(m.senderId());
        if (blocks != null && !users.isEmpty()) {
            users.removeAll(blocks.reachNow(m.senderId()).blockers());
        }
        if (users.isEmpty()) {
            return Map.of();
        }
        Map<UserId, Map<DeviceId, PushTarget>> targets = store.targets(users);
        if (targets.isEmpty()) {
            return Map.of();
        }
        users.retainAll(targets.keySet());
        // A member the message mentions is pushed even when they muted the conversation.
        Set<UserId> muted = new java.util.HashSet<>(store.mutedIn(m.conversationId()));
        m.mentions().forEach(mention -> muted.remove(mention.userId()));
        users.removeAll(muted);
        Map<PushKey, Long> out = new HashMap<>();
        for (UserId user : users) {
            for (DeviceId device : targets.get(user).keySet()) {
                if (!liveness.isConnected(user, device)) {
                    out.put(new PushKey(user, device, m.conversationId()), m.seq());
                }
            }
        }
        return out;
    }

    /**
     * The keys for the one quiet notice of a message request: each device of the recipient that
     * has a target and is not connected, at the request's first seq. Blocking (store reads).
     */
    public Map<PushKey, Long> requestNotice(UserId recipient, dev.parley.core.conversation.ConversationId conversation,
                                            long seq) {
        Map<DeviceId, PushTarget> targets = store.targets(java.util.List.of(recipient)).getOrDefault(recipient, Map.of());
        Map<PushKey, Long> out = new HashMap<>();
        for (DeviceId device : targets.keySet()) {
            if (!liveness.isConnected(recipient, device)) {
                out.put(new PushKey(recipient, device, conversation), seq);
            }
        }
        return out;
    }

    /** Whether the device should still be pushed for the conversation now (checked again at send time). */
    public boolean stillWanted(PushKey key) {
        return stillWanted(key, false);
    }

    /**
     * As {@link #stillWanted(PushKey)}; {@code mentioned}: what is waiting mentions the user, who is
     * then pushed even when they muted the conversation.
     */
    public boolean stillWanted(PushKey key, boolean mentioned) {
        return !liveness.isConnected(key.user(), key.device())
                && (mentioned || !store.mutedIn(key.conversation()).contains(key.user()));
    }
}
