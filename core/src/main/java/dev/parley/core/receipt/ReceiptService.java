package dev.parley.core.receipt;

import dev.parley.core.account.Caller;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.MembershipDirectory;
import dev.parley.core.conversation.Positions;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.delivery.EventPublisher;

import java.util.Optional;
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

    public ReceiptService(ConversationStore store, MembershipDirectory memberships, EventPublisher publisher) {
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
                .thenCompose(m -> store.advancePositions(id, caller.userId(), delivered, read,
                        // Published in commit order (positions only grow), to the membership as of
                        // now: a removal may have committed meanwhile.
                        moved -> moved.ifPresent(p -> publisher.publish(new ChatEvent.ReceiptMoved(id, p.userId(),
                                p.deliveredSeq(), p.readSeq()), memberships.current(id, m).members()))));
    }
}
