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

/**
 * The pull model's catch-up: given the positions a device holds, reads from the store what it
 * lacks, exactly as a WebSocket resume would send it (docs/protocol.md, "Resume and catch-up"):
 * per conversation the user belongs or belonged to, every entry after the position up to what
 * the user may see, or a resync when more than {@code maxCatchUp} are missing (or retention
 * deleted some of them; {@link CatchUpReader} decides both); conversations the device did not
 * list start at 0, conversations the user never belonged to are ignored. Unlike a resume, a page holds at most {@code limit}
 * entries; the positions it returns continue exactly where it stopped. Blocking.
 */
public final class SyncReader {
    private final ConversationStore conversations;
    private final CatchUpReader catchUp;

    public SyncReader(ConversationStore conversations, MessageStore messages, BlockDirectory blocks, int maxCatchUp) {
        this.conversations = conversations;
        this.catchUp = new CatchUpReader(conversations, messages, blocks, maxCatchUp);
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
        for (UserConversation uc : mine) {
            long cid = uc.conversationId().value();
            long upTo = uc.visibleUpTo();
            long pos = positions.getOrDefault(cid, 0L);
            next.put(cid, pos);
            if (pos >= upTo) {
                continue;
            }
            if (catchUp.beyondLimit(pos, upTo)) {
                resyncs.add(new SyncPage.Resync(cid, upTo));
                next.put(cid, upTo);
                continue;
            }
            int room = limit - entries.size();
            if (room <= 0) {
                more = true;
                continue;
            }
            if (!(catchUp.backlog(uc.conversationId(), pos, upTo, (int) Math.min(room, upTo - pos))
                    instanceof Backlog.Entries chunk)) {
                // Nothing where entries should be: retention deleted them, so the device reloads.
                resyncs.add(new SyncPage.Resync(cid, upTo));
                next.put(cid, upTo);
                continue;
            }
            entries.addAll(chunk.entries());
            long last = chunk.last();
            next.put(cid, last);
            if (last < upTo) {
                more = true;
            }
            if (uc.leftSeq() == 0) {
                for (MemberState ms : catchUp.positionsSeenBy(user, uc.conversationId())) {
                    receipts.add(new SyncPage.Receipt(cid, ms));
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
