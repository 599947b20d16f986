package dev.parley.core.conversation;

import dev.parley.core.account.UserId;

/**
 * One member's standing in a conversation: role, where they joined and (if removed or left)
 * where they left, and how far their devices have received and read.
 * {@code leftSeq} is 0 for a current member; a former member sees history up to {@code leftSeq}.
 */
public record MemberState(UserId userId, Role role, long joinedSeq, long leftSeq, long deliveredSeq,
                          long readSeq) {

    public boolean current() {
        return leftSeq == 0;
    }

    /** The highest seq this member may read. */
    public long visibleUpTo() {
        return leftSeq == 0 ? Long.MAX_VALUE : leftSeq;
    }
}
