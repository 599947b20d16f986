package dev.parley.core.sync;

import dev.parley.core.account.UserId;
import dev.parley.core.block.BlockDirectory;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.conversation.UserConversation;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a device lacks of its conversations, read by the rules every way of delivering follows
 * (docs/protocol.md, "Resume and catch-up"): a WebSocket resume ({@link #resume}), the fill of a
 * gap a connection noticed in the live entries ({@link #gap}) and the pull model's pages
 * ({@link SyncReader}). The transports only turn what this returns into frames.
 *
 * <p>The rules: a device is given every entry after its position, in seq order with nothing
 * skipped, never past what its user may see (a former member's last entry); when more than
 * {@code maxCatchUp} entries are missing, or retention deleted the entries right after its
 * position, it gets a resync instead and reloads the conversation. Members who blocked the
 * device's user keep their receipt positions to themselves. Blocking, except {@link #beyondLimit}.
 */
public final class CatchUpReader {
    /** Entries read at a time during a resume: a chunk is written and drained before the next is read. */
    public static final int RESUME_CHUNK = 500;

    private final ConversationStore conversations;
    private final MessageStore messages;
    /** Who blocked whom; null: no blocks (every member sees every other's receipts). */
    private final BlockDirectory blocks;
    private final int maxCatchUp;

    public CatchUpReader(ConversationStore conversations, MessageStore messages, BlockDirectory blocks, int maxCatchUp) {
        this.conversations = conversations;
        this.messages = messages;
        this.blocks = blocks;
        this.maxCatchUp = maxCatchUp;
    }

    /** Whether a device at {@code position} is too far behind {@code upTo} to be sent entry by entry. Reads nothing. */
    public boolean beyondLimit(long position, long upTo) {
        return upTo - position > maxCatchUp;
    }

    /** The entries after {@code after} up to {@code upTo}, at most {@code max} of them, or why there are none to send. */
    public Backlog backlog(ConversationId id, long after, long upTo, int max) {
        if (beyondLimit(after, upTo)) {
            return new Backlog.Resync(upTo);
        }
        List<Message> chunk = messages.range(id, after, upTo, max);
        if (chunk.isEmpty()) {
            return new Backlog.Nothing();
        }
        if (chunk.getFirst().seq() > after + 1) {
            // Retention deleted entries the device lacks: it cannot hold a gap-free copy any more.
            return new Backlog.Resync(upTo);
        }
        return new Backlog.Entries(chunk);
    }

    /** A gap a connection noticed: everything after {@code after} up to {@code upTo}, in one read. */
    public Backlog gap(ConversationId id, long after, long upTo) {
        return beyondLimit(after, upTo) ? new Backlog.Resync(upTo) : backlog(id, after, upTo, (int) (upTo - after));
    }

    /** The members' positions in the conversation that {@code reader} may see. */
    public List<MemberState> positionsSeenBy(UserId reader, ConversationId id) {
        Set<UserId> hidden = blocks == null ? Set.of() : blocks.reachNow(reader).blockers();
        List<MemberState> out = new ArrayList<>();
        for (MemberState ms : conversations.members(id)) {
            if (!hidden.contains(ms.userId())) {
                out.add(ms);
            }
        }
        return out;
    }

    /**
     * Brings a reconnecting device up to date from {@code positions}, one step at a time: per
     * conversation the user belongs or belonged to (a conversation the device did not list starts
     * at 0), the entries after its position in chunks of {@link #RESUME_CHUNK} (or a resync), then,
     * while the user is a member, the receipt positions it may see; last {@link ResumeStep.Finished}.
     * Each chunk is read only once {@code steps} has taken the one before, so a consumer that waits
     * for its socket to drain paces the reads too; what {@code steps} throws ends the walk.
     */
    public void resume(UserId user, Map<Long, Long> positions, Consumer<? super ResumeStep> steps) {
        int behind = 0;
        long sent = 0;
        for (UserConversation uc : conversations.conversationsOf(user)) {
            long cid = uc.conversationId().value();
            long upTo = uc.visibleUpTo();
            long pos = positions.getOrDefault(cid, 0L);
            if (pos >= upTo) {
                steps.accept(new ResumeStep.UpToDate(cid, pos));
                continue;
            }
            behind++;
            if (beyondLimit(pos, upTo)) {
                steps.accept(new ResumeStep.Resync(cid, upTo));
                continue;
            }
            while (pos < upTo) {
                Backlog next = backlog(uc.conversationId(), pos, upTo, RESUME_CHUNK);
                if (!(next instanceof Backlog.Entries chunk)) {
                    if (next instanceof Backlog.Resync) {
                        steps.accept(new ResumeStep.Resync(cid, upTo));
                    }
                    break;
                }
                steps.accept(new ResumeStep.Entries(cid, chunk.entries()));
                sent += chunk.entries().size();
                pos = chunk.last();
            }
            if (uc.leftSeq() == 0) {
                steps.accept(new ResumeStep.Receipts(cid, positionsSeenBy(user, uc.conversationId())));
            }
        }
        steps.accept(new ResumeStep.Finished(behind, sent));
    }
}
