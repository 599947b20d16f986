package dev.parley.core.typing;

import dev.parley.core.account.Caller;
import dev.parley.core.account.UserId;
import dev.parley.core.block.BlockDirectory;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.Membership;
import dev.parley.core.conversation.MembershipDirectory;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.delivery.EventPublisher;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Typing indicators: never stored, sent to the other members' devices. A "started typing" that
 * is not renewed within the expiry ends by itself: {@link #sweep} publishes the "stopped" the
 * client never sent.
 */
public final class TypingTracker {
    private record Key(ConversationId conversation, UserId user) {
    }

    private final EventPublisher publisher;
    private final MembershipDirectory memberships;
    private final Clock clock;
    private final long expiryMs;
    private final Map<Key, Long> expiries = new ConcurrentHashMap<>();
    /** Whom each typist blocked: they do not see the typist typing. Null: no blocks. */
    private final BlockDirectory blocks;

    public TypingTracker(EventPublisher publisher, MembershipDirectory memberships, Clock clock, Duration expiry) {
        this(publisher, memberships, clock, expiry, null);
    }

    public TypingTracker(EventPublisher publisher, MembershipDirectory memberships, Clock clock, Duration expiry,
                         BlockDirectory blocks) {
        this.blocks = blocks;
        this.publisher = publisher;
        this.memberships = memberships;
        this.clock = clock;
        this.expiryMs = expiry.toMillis();
    }

    public CompletableFuture<Void> typing(Caller caller, ConversationId id, boolean typing) {
        return memberships.requireMember(caller.userId(), id).thenAccept(m -> {
            Key key = new Key(id, caller.userId());
            if (typing) {
                expiries.put(key, clock.millis() + expiryMs);
                publish(m, caller.userId(), true);
            } else if (expiries.remove(key) != null) {
                publish(m, caller.userId(), false);
            }
        });
    }

    /** Ends every indicator past its expiry; call it a few times per expiry period. */
    public void sweep() {
        long now = clock.millis();
        List<Map.Entry<Key, Long>> expired = new ArrayList<>();
        for (Map.Entry<Key, Long> e : expiries.entrySet()) {
            if (e.getValue() <= now) {
                expired.add(Map.entry(e.getKey(), e.getValue()));
            }
        }
        for (Map.Entry<Key, Long> e : expired) {
            // Only if not renewed meanwhile.
            if (expiries.remove(e.getKey(), e.getValue())) {
                Key k = e.getKey();
                // Also when the typist was removed meanwhile: the others still show them typing.
                memberships.get(k.conversation()).thenAccept(m -> publish(m, k.user(), false));
            }
        }
    }

    private void publish(Membership m, UserId typist, boolean typing) {
        Set<UserId> others = new HashSet<>(m.members());
        others.remove(typist);
        ChatEvent event = new ChatEvent.TypingChanged(m.conversationId(), typist, typing);
        if (blocks == null) {
            publisher.publish(event, others);
            return;
        }
        blocks.reach(typist).thenAccept(r -> {
            others.removeAll(r.blocked());
            publisher.publish(event, others);
        });
    }
}
