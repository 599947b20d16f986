package dev.parley.core.sync;

import dev.parley.core.account.UserId;
import dev.parley.core.block.BlockDirectory;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.conversation.UserConversation;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pull model's catch-up: given the positions a device holds, reads from the store what it
 * lacks, exactly as a WebSocket resume would send it (docs/protocol.md, "Resume and catch-up"):
 * per conversation the user belongs or belonged to, every entry after the position up to what
 * the user may see, or a resync when more than {@code maxCatchUp} are missing (or retention
 * deleted some of them); conversations the device did not list start at 0, conversations the
 * user never belonged to are ignored. Unlike a resume, a page holds at most {@code limit}
 * entries; the positions it returns continue exactly where it stopped. Blocking.
 */
public final class SyncReader {
    private final ConversationStore conversations;
    private final MessageStore messages;
    /** Who blocked whom: members who blocked the reader keep their positions to themselves. Null: no blocks. */
    private final BlockDirectory blocks;
    private final int maxCatchUp;

    public SyncReader(ConversationStore conversations, MessageStore messages, BlockDirectory blocks, int maxCatchUp) {
        this.conversations = conversations;
        this.messages = messages;
        this.blocks = blocks;
        this.maxCatchUp = maxCatchUp;
    }

    /** What the user's device lacks after {@code positions}, at most {@code limit} entries. */
    public SyncPage page(UserId user, Map<Long, Long> positions, int limit) {
        List<UserConversation> mine = new ArrayList<>(conversations.conversationsOf(user));
        // A fixed order, so that a page cut at its size continues with the same conversation.
        mine.sort(Comparator.comparingLong(uc -> uc.conversationId().value()));
        List<Message> entries = new ArrayList<>();
        List<SyncPage.Receipt> receipts = new ArrayList<>();
        List<SyncPage.Resync> resyncs = new ArrayList<>();
        Map<Long, Long> next = new LinkedHashMap<>();
        boolean more = false;
        Set<UserId> hidden = null;
        for (UserConversation uc : mine) {
            long cid = uc.conversationId().value();
            long upTo = uc.visibleUpTo();
            long pos = positions.getOrDefault(cid, 0L);
            next.put(cid, pos);
            if (pos >= upTo) {
                continue;
            }
            if (upTo - pos > maxCatchUp) {
                resyncs.add(new SyncPage.Resync(cid, upTo));
                next.put(cid, upTo);
                continue;
            }
            int room = limit - entries.size();
            if (room <= 0) {
                more = true;
                continue;
            }
            List<Message> chunk = messages.range(uc.conversationId(), pos, upTo, (int) Math.min(room, upTo - pos));
            if (chunk.isEmpty() || chunk.getFirst().seq() != pos + 1) {
                // Retention deleted entries the device lacks: it cannot hold a gap-free copy any
                // more, so it reloads what remains.
                resyncs.add(new SyncPage.Resync(cid, upTo));
                next.put(cid, upTo);
                continue;
            }
            entries.addAll(chunk);
            long last = chunk.getLast().seq();
            next.put(cid, last);
            if (last < upTo) {
                more = true;
            }
            if (uc.leftSeq() == 0) {
                if (hidden == null) {
                    hidden = blocks == null ? Set.of() : blocks.reachNow(user).blockers();
                }
                for (MemberState ms : conversations.members(uc.conversationId())) {
                    if (!hidden.contains(ms.userId())) {
                        receipts.add(new SyncPage.Receipt(cid, ms));
                    }
                }
            }
        }
        return new SyncPage(entries, receipts, resyncs, next, more);
    }

    /** Conversation ids of the user's current conversations mapped to the last seq, for a device with no positions. */
    public Map<Long, Long> current(UserId user) {
        Map<Long, Long> out = new LinkedHashMap<>();
        List<UserConversation> mine = new ArrayList<>(conversations.conversationsOf(user));
        mine.sort(Comparator.comparingLong(uc -> uc.conversationId().value()));
        for (UserConversation uc : mine) {
            out.put(uc.conversationId().value(), uc.visibleUpTo());
        }
        return out;
    }

}
