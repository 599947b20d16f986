package dev.parley.core.receipt;

import dev.parley.core.account.Caller;
import dev.parley.core.account.UserId;
import dev.parley.core.block.BlockDirectory;
import dev.parley.core.block.Reach;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.MembershipDirectory;
import dev.parley.core.conversation.Positions;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.delivery.EventPublisher;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Delivered and read positions. A device confirms it holds a conversation up to a seq (delivered)
 * or the user has seen it (read, which implies delivered); positions only move forward and never
 * past the conversation's last entry. A change reaches every member's devices, the sender's and
 * the reader's own other devices included.
 */
public final class ReceiptService {
    private final ConversationStore store;
    private final MembershipDirectory memberships;
    private final EventPublisher publisher;
    /** Whom each reader blocked: they do not see the reader's positions move. Null: no blocks. */
    private final BlockDirectory blocks;

    public ReceiptService(ConversationStore store, MembershipDirectory memberships, EventPublisher publisher) {
        this(store, memberships, publisher, null);
    }

    public ReceiptService(ConversationStore store, MembershipDirectory memberships, EventPublisher publisher,
                          BlockDirectory blocks) {
        this.blocks = blocks;
        this.store = store;
        this.memberships = memberships;
        this.publisher = publisher;
    }

    public CompletableFuture<Optional<Positions>> delivered(Caller caller, ConversationId id, long upToSeq) {
        return advance(caller, id, upToSeq, 0);
    }

    public CompletableFuture<Optional<Positions>> read(Caller caller, ConversationId id, long upToSeq) {
        return advance(caller, id, upToSeq, upToSeq);
    }

    private CompletableFuture<Optional<Positions>> advance(Caller caller, ConversationId id, long delivered, long read) {
        return memberships.requireMember(caller.userId(), id)
                .thenCompose(m -> (blocks == null ? CompletableFuture.completedFuture(Set.<UserId>of())
                        : blocks.reach(caller.userId()).thenApply(Reach::blocked))
                        .thenCompose(hidden -> store.advancePositions(id, caller.userId(), delivered, read,
                        // Published in commit order (positions only grow), to the membership as of
                        // now: a removal may have committed meanwhile. Users the reader blocked are
                        // left out.
                        moved -> moved.ifPresent(p -> publisher.publish(new ChatEvent.ReceiptMoved(id, p.userId(),
                                p.deliveredSeq(), p.readSeq()), audience(memberships.current(id, m).members(), hidden))))));
    }

    private static java.util.Collection<UserId> audience(Set<UserId> members, Set<UserId> hidden) {
        if (hidden.isEmpty()) {
            return members;
        }
        Set<UserId> out = new java.util.HashSet<>(members);
        out.removeAll(hidden);
        return out;
    }
}
