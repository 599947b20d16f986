package dev.parley.loadgen;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * One conversation of a run and what each member device saw of it. Seqs are kept relative to
 * {@link #base}, the conversation's last seq when the run set it up, so bit {@code i} stands for
 * seq {@code base + 1 + i}.
 */
final class Conv {
    final long id;
    final long base;
    final List<Member> members = new ArrayList<>(2);

    Conv(long id, long base) {
        this.id = id;
        this.base = base;
    }

    Member join(Device d) {
        Member m = new Member(this, d);
        members.add(m);
        d.addConversation(m);
        return m;
    }

    /**
     * One device's view of the conversation. Written only on the device's event loop; read by
     * the correctness check once the loops are quiet.
     */
    static final class Member {
        final Conv conv;
        final Device device;
        /** Entries written to this device by the node (as {@code message} frames). */
        final BitSet received = new BitSet();
        /** Entries this device sent and had confirmed (by {@code sent}, or by its own entry in a catch-up). */
        final BitSet confirmed = new BitSet();
        /** Highest seq received so far, relative; -1 before the first. */
        int lastReceived = -1;
        /** The position this member's device sent with its last {@code auth} (where its catch-up starts). */
        long resumedFrom = Long.MAX_VALUE;
        long duplicates;
        long outOfOrder;

        Member(Conv conv, Device device) {
            this.conv = conv;
            this.device = device;
        }

        /** The highest seq this device holds with nothing missing below it (the resume position). */
        long position() {
            BitSet held = (BitSet) received.clone();
            held.or(confirmed);
            return conv.base + held.nextClearBit(0);
        }
    }
}
