package dev.parley.core.sync;

import dev.parley.core.conversation.MemberState;
import dev.parley.core.message.Message;

import java.util.List;
import java.util.Map;

/**
 * One answer to "what is after these positions, for this user": the entries the device lacks, in
 * seq order per conversation; each current member's positions in every conversation that had
 * entries here; the conversations too far behind to send entry by entry; and the positions to
 * ask from next time. {@code more} says the page was cut at its size: ask again at once.
 */
public record SyncPage(List<Message> entries, List<Receipt> receipts, List<Resync> resyncs, Map<Long, Long> positions,
                       boolean more) {

    /** A member's positions in a conversation. */
    public record Receipt(long conversationId, MemberState member) {
    }

    /** The device must reload this conversation and continue from {@code latestSeq}. */
    public record Resync(long conversationId, long latestSeq) {
    }

    /** Whether the page carries nothing the device did not already have. */
    public boolean isEmpty() {
        return entries.isEmpty() && receipts.isEmpty() && resyncs.isEmpty();
    }
}
