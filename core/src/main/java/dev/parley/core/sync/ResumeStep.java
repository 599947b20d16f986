package dev.parley.core.sync;

import dev.parley.core.conversation.MemberState;
import dev.parley.core.message.Message;

import java.util.List;

/**
 * One step of a resume, in the order a device must be given them ({@link CatchUpReader#resume}).
 * Every step but {@link Finished} names one conversation; after a step the device stands at the
 * position the step states (receipts move no position).
 */
public sealed interface ResumeStep {

    /** The device already has everything it may see of the conversation; it stands at {@code position}. */
    record UpToDate(long conversationId, long position) implements ResumeStep {
    }

    /** The next entries of the conversation, in seq order with nothing skipped; the device then stands at the last. */
    record Entries(long conversationId, List<Message> entries) implements ResumeStep {
        public Entries {
            entries = List.copyOf(entries);
        }

        public long last() {
            return entries.getLast().seq();
        }
    }

    /** The device must reload the conversation; it then stands at {@code latestSeq}. */
    record Resync(long conversationId, long latestSeq) implements ResumeStep {
    }

    /** The members' positions in the conversation that the device's user may see. */
    record Receipts(long conversationId, List<MemberState> members) implements ResumeStep {
        public Receipts {
            members = List.copyOf(members);
        }
    }

    /** The last step: how many conversations had something to send, and how many entries were sent. */
    record Finished(int conversations, long entries) implements ResumeStep {
    }
}
