package dev.parley.server.ws;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import dev.parley.core.sync.Backlog;
import dev.parley.protocol.FrameCodec;
import dev.parley.protocol.ServerFrame;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ordered stream of one connection, without a socket or a store: the output is a list, gap
 * reads wait in a queue until the test answers them, and timers run when the test says so.
 */
class OrderedDeliveryTest {
    private static final long ME = 7;
    private static final long OTHER = 8;
    private static final long C = 100;
    private static final long D = 200;

    private final List<String> written = new ArrayList<>();
    private final List<Long> delivered = new ArrayList<>();
    private final List<Long> touched = new ArrayList<>();
    private final List<Map<Long, Long>> catchUpsAgain = new ArrayList<>();
    private final Deque<GapRead> reads = new ArrayDeque<>();
    private final List<Runnable> timers = new ArrayList<>();
    private boolean open = true;

    private final OrderedDelivery.Output output = new OrderedDelivery.Output() {
        @Override
        public boolean open() {
            return open;
        }

        @Override
        public boolean write(byte[] frame) {
            written.add(describe(frame));
            return true;
        }

        @Override
        public void delivered(long committedNanos) {
            delivered.add(committedNanos);
        }

        @Override
        public void touched(long conversationId) {
            touched.add(conversationId);
        }

        @Override
        public void catchUpAgain(Map<Long, Long> positions) {
            catchUpsAgain.add(positions);
        }
    };

    private final OrderedDelivery.GapReads gaps = new OrderedDelivery.GapReads() {
        @Override
        public void read(long conversationId, long after, long upTo, Consumer<Backlog> then) {
            reads.add(new GapRead(conversationId, after, upTo, then));
        }

        @Override
        public void later(long millis, Runnable task) {
            assertThat(millis).isEqualTo(OrderedDelivery.RETRY_MILLIS);
            timers.add(task);
        }
    };

    /** A read of a gap the test has not answered yet. */
    private record GapRead(long conversationId, long after, long upTo, Consumer<Backlog> then) {
        void answer(Message... stored) {
            then.accept(new Backlog.Entries(List.of(stored)));
        }
    }

    private OrderedDelivery live() {
        return new OrderedDelivery(ME, false, output, gaps);
    }

    private OrderedDelivery resuming() {
        return new OrderedDelivery(ME, true, output, gaps);
    }

    @Test
    void entriesInOrderAreWrittenOnceAndDuplicatesAreDropped() {
        OrderedDelivery d = live();
        for (long seq : new long[] {1, 2, 2, 3, 1, 3}) {
            d.accept(entry(C, seq, OTHER, null));
        }
        assertThat(written).containsExactly("C1", "C2", "C3");
        assertThat(delivered).containsExactly(1L, 2L, 3L);
        assertThat(reads).isEmpty();
    }

    @Test
    void aLiveOnlyDeviceStartsAtTheFirstEntryItSeesInAConversation() {
        OrderedDelivery d = live();
        d.accept(entry(C, 41, OTHER, null));
        d.accept(entry(C, 42, OTHER, null));
        assertThat(written).containsExactly("C41", "C42");
        assertThat(reads).isEmpty();
        assertThat(touched).containsOnly(C);
    }

    @Test
    void anEntryPastAGapIsHeldWhileTheGapIsReadAndReorderedArrivalsAreWrittenOnceInOrder() {
        OrderedDelivery d = live();
        d.accept(entry(C, 1, OTHER, null));
        d.accept(entry(C, 4, OTHER, null));
        d.accept(entry(C, 3, OTHER, null));
        d.accept(entry(C, 5, OTHER, null));
        assertThat(written).containsExactly("C1");
        assertThat(reads).hasSize(1);
        GapRead gap = reads.poll();
        assertThat(gap).extracting(GapRead::conversationId, GapRead::after, GapRead::upTo).containsExactly(C, 1L, 3L);

        gap.answer(stored(C, 2, OTHER, null), stored(C, 3, OTHER, null));
        assertThat(written).containsExactly("C1", "C2", "C3", "C4", "C5");
        assertThat(delivered).as("store entries count as delivered with no publish time").containsExactly(1L, 0L, 0L, 4L, 5L);
        assertThat(reads).isEmpty();
    }

    @Test
    void conversationsAreOrderedIndependently() {
        OrderedDelivery d = live();
        d.accept(entry(C, 1, OTHER, null));
        d.accept(entry(D, 1, OTHER, null));
        d.accept(entry(C, 3, OTHER, null));
        d.accept(entry(D, 2, OTHER, null));
        assertThat(written).containsExactly("C1", "D1", "D2");
        reads.poll().answer(stored(C, 2, OTHER, null));
        assertThat(written).containsExactly("C1", "D1", "D2", "C2", "C3");
    }

    @Test
    void aGapTheStoreDoesNotHoldYetIsReadAgainAfterAPause() {
        OrderedDelivery d = live();
        d.accept(entry(C, 1, OTHER, null));
        d.accept(entry(C, 3, OTHER, null));
        reads.poll().then().accept(new Backlog.Nothing());
        assertThat(reads).isEmpty();
        d.accept(entry(C, 4, OTHER, null));
        assertThat(written).as("held while waiting").containsExactly("C1");

        assertThat(timers).hasSize(1);
        timers.removeFirst().run();
        GapRead again = reads.poll();
        assertThat(again).extracting(GapRead::after, GapRead::upTo).containsExactly(1L, 2L);
        again.answer(stored(C, 2, OTHER, null));
        assertThat(written).containsExactly("C1", "C2", "C3", "C4");
    }

    @Test
    void aGapTooLongOrDeletedByRetentionIsAResyncAndTheHeldEntriesFollow() {
        OrderedDelivery d = live();
        d.accept(entry(C, 1, OTHER, null));
        d.accept(entry(C, 9, OTHER, null));
        reads.poll().then().accept(new Backlog.Resync(8));
        assertThat(written).containsExactly("C1", "resync C8", "C9");
    }

    @Test
    void aGapAnsweredAtOnceIsHandledInline() {
        OrderedDelivery.GapReads instant = new OrderedDelivery.GapReads() {
            @Override
            public void read(long conversationId, long after, long upTo, Consumer<Backlog> then) {
                then.accept(new Backlog.Resync(upTo));
            }

            @Override
            public void later(long millis, Runnable task) {
                throw new AssertionError("no retry expected");
            }
        };
        OrderedDelivery d = new OrderedDelivery(ME, false, output, instant);
        d.accept(entry(C, 1, OTHER, null));
        d.accept(entry(C, 50_000, OTHER, null));
        d.accept(entry(C, 50_001, OTHER, null));
        assertThat(written).containsExactly("C1", "resync C49999", "C50000", "C50001");
    }

    @Test
    void anOwnEntryArrivingWhileItsSendIsInFlightIsNotEchoed() {
        OrderedDelivery d = live();
        d.accept(entry(C, 1, OTHER, null));
        d.sending("mine");
        d.accept(entry(C, 2, ME, "mine"));
        d.answered("mine");
        d.ownEntryStored(C, 2);
        d.accept(entry(C, 3, OTHER, null));
        assertThat(written).containsExactly("C1", "C3");
    }

    @Test
    void anOwnEntryArrivingAfterItsSentIsNotEchoed() {
        OrderedDelivery d = live();
        d.accept(entry(C, 1, OTHER, null));
        d.sending("mine");
        d.answered("mine");
        d.ownEntryStored(C, 2);
        d.accept(entry(C, 2, ME, "mine"));
        d.accept(entry(C, 3, OTHER, null));
        assertThat(written).containsExactly("C1", "C3");
        assertThat(reads).isEmpty();
    }

    @Test
    void anOwnEntryReadFromTheStoreInAGapFillIsNotEchoed() {
        OrderedDelivery d = live();
        d.accept(entry(C, 1, OTHER, null));
        d.sending("mine");
        d.answered("mine");
        d.ownEntryStored(C, 3);
        d.accept(entry(C, 4, OTHER, null));
        reads.poll().answer(stored(C, 2, OTHER, null), stored(C, 3, ME, "mine"));
        assertThat(written).containsExactly("C1", "C2", "C4");
    }

    @Test
    void anOwnEntryOfAnotherDeviceOfTheSameUserIsWritten() {
        OrderedDelivery d = live();
        d.accept(entry(C, 1, OTHER, "same-client-id"));
        d.sending("same-client-id");
        d.accept(entry(C, 2, OTHER, "same-client-id"));
        assertThat(written).containsExactly("C1", "C2");
    }

    @Test
    void anotherMembersEntryStoredBeforeAFirstOwnEntryStillReachesALiveOnlyDeviceWhenItComesAfterTheSent() {
        OrderedDelivery d = live();
        d.sending("mine");
        d.answered("mine");
        d.ownEntryStored(C, 5);
        d.accept(entry(C, 4, OTHER, null));
        d.accept(entry(C, 5, ME, "mine"));
        d.accept(entry(C, 6, OTHER, null));
        assertThat(written).containsExactly("C4", "C6");
        assertThat(reads).isEmpty();
    }

    @Test
    void aFirstOwnEntryStartsALiveOnlyDeviceAfterIt() {
        OrderedDelivery d = live();
        d.ownEntryStored(C, 10);
        d.accept(entry(C, 10, ME, "mine"));
        d.accept(entry(C, 11, OTHER, null));
        assertThat(written).containsExactly("C11");
        assertThat(reads).isEmpty();
    }

    @Test
    void liveEntriesAndSignalsDuringCatchUpAreBufferedThenReplayedWithoutWhatTheCatchUpGave() {
        OrderedDelivery d = resuming();
        assertThat(d.catchingUp()).isTrue();
        d.accept(entry(C, 3, OTHER, null));
        d.accept(new Outbound.Signal(C, FrameCodec.encodeServer(new ServerFrame.Typing(C, 5, true))));
        d.accept(entry(C, 4, OTHER, null));
        assertThat(written).isEmpty();

        d.caughtUpTo(C, 3);
        d.finishCatchUp();
        assertThat(d.catchingUp()).isFalse();
        assertThat(written).containsExactly("typing C", "C4");
        assertThat(reads).isEmpty();
    }

    @Test
    void anOwnEntryGivenByTheCatchUpIsNotEchoedWhenItsLiveCopyIsReplayed() {
        OrderedDelivery d = resuming();
        d.sending("mine");
        d.accept(entry(C, 5, ME, "mine"));
        d.answered("mine");
        d.ownEntryStored(C, 5);
        d.caughtUpTo(C, 5);
        d.finishCatchUp();
        d.accept(entry(C, 6, OTHER, null));
        assertThat(written).containsExactly("C6");
    }

    @Test
    void aCatchUpThatOverflowsItsBufferRunsAgainFromWhereItGot() {
        OrderedDelivery d = resuming();
        d.caughtUpTo(C, 2);
        for (long seq = 3; seq <= OrderedDelivery.MAX_PENDING_LIVE + 3; seq++) {
            d.accept(entry(C, seq, OTHER, null));
        }
        d.finishCatchUp();
        assertThat(catchUpsAgain).containsExactly(Map.of(C, 2L));
        assertThat(d.catchingUp()).isTrue();
        assertThat(written).isEmpty();

        d.accept(entry(C, OrderedDelivery.MAX_PENDING_LIVE + 4, OTHER, null));
        d.caughtUpTo(C, OrderedDelivery.MAX_PENDING_LIVE + 3);
        d.finishCatchUp();
        assertThat(written).containsExactly("C" + (OrderedDelivery.MAX_PENDING_LIVE + 4));
    }

    @Test
    void aResumingDeviceGetsAConversationNewToItFromTheStart() {
        OrderedDelivery d = resuming();
        d.finishCatchUp();
        d.accept(entry(D, 3, OTHER, null));
        GapRead gap = reads.poll();
        assertThat(gap).extracting(GapRead::conversationId, GapRead::after, GapRead::upTo).containsExactly(D, 0L, 2L);
        gap.answer(stored(D, 1, OTHER, null), stored(D, 2, OTHER, null));
        assertThat(written).containsExactly("D1", "D2", "D3");
    }

    @Test
    void aTailCheckFillsWhatTheDeviceLacksButNotDuringCatchUpOrWhileFilling() {
        OrderedDelivery d = resuming();
        d.caughtUpTo(C, 2);
        d.tailCheck(C, 4);
        assertThat(reads).as("during catch-up").isEmpty();
        d.finishCatchUp();

        d.tailCheck(C, 2);
        assertThat(reads).as("not behind").isEmpty();
        d.tailCheck(C, 4);
        d.tailCheck(C, 4);
        assertThat(reads).hasSize(1);
        reads.poll().answer(stored(C, 3, OTHER, null), stored(C, 4, OTHER, null));
        assertThat(written).containsExactly("C3", "C4");

        d.tailCheck(D, 2);
        assertThat(reads.poll()).extracting(GapRead::after, GapRead::upTo).containsExactly(0L, 2L);
    }

    @Test
    void aClosedConnectionIsWrittenNothingAndAReadAnsweredAfterTheCloseIsIgnored() {
        OrderedDelivery d = live();
        d.accept(entry(C, 1, OTHER, null));
        d.accept(entry(C, 3, OTHER, null));
        open = false;
        reads.poll().answer(stored(C, 2, OTHER, null));
        d.accept(entry(C, 4, OTHER, null));
        assertThat(written).containsExactly("C1");
    }

    private static Outbound.Entry entry(long conversation, long seq, long senderDevice, String clientId) {
        return new Outbound.Entry(conversation, seq, senderDevice, clientId,
                FrameCodec.encodeServer(WireFrames.message(stored(conversation, seq, senderDevice, clientId))), seq);
    }

    private static Message stored(long conversation, long seq, long senderDevice, String clientId) {
        return new Message(new ConversationId(conversation), seq, 1_767_225_600_000L + seq, new UserId(senderDevice + 1000),
                new DeviceId(senderDevice), clientId, MessageKind.TEXT, "m" + seq, null, null, null);
    }

    /** A written frame in a few letters: {@code C3} for the entry seq 3 of conversation C. */
    private static String describe(byte[] frame) {
        return switch (FrameCodec.decodeServer(frame)) {
            case ServerFrame.Message m -> name(m.conversationId()) + m.seq();
            case ServerFrame.Resync r -> "resync " + name(r.conversationId()) + r.latestSeq();
            case ServerFrame.Typing t -> "typing " + name(t.conversationId());
            case ServerFrame other -> other.type();
        };
    }

    private static String name(long conversation) {
        return conversation == C ? "C" : conversation == D ? "D" : String.valueOf(conversation);
    }
}
