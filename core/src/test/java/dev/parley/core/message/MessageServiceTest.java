package dev.parley.core.message;

import dev.parley.core.ChatException.Refusal;
import dev.parley.core.account.Caller;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.memory.ChatWorld;
import dev.parley.core.memory.Refusals;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The send path's rules: members only, one order, exactly once, bounded bodies, published before confirmed. */
class MessageServiceTest {
    private final ChatWorld world = new ChatWorld();
    private final Caller alice = world.user("alice");
    private final Caller bob = world.user("bob");
    private final ConversationId direct = world.direct(alice, bob);

    @Test
    void aSendIsStoredAtTheNextSeqAndReachesEveryMemberBeforeTheSenderIsTold() {
        List<Integer> publishedWhenConfirmed = new java.util.ArrayList<>();
        Message m = world.messages.send(alice, direct, "c1", "hi")
                .whenComplete((ok, err) -> publishedWhenConfirmed.add(world.events.of(ChatEvent.MessageAdded.class).size()))
                .join();

        assertThat(m.seq()).isEqualTo(1);
        assertThat(m.body()).isEqualTo("hi");
        assertThat(m.senderDeviceId()).isEqualTo(alice.deviceId());
        assertThat(world.events.of(ChatEvent.MessageAdded.class)).extracting(ChatEvent.MessageAdded::message).containsExactly(m);
        assertThat(world.events.audienceOfLast(ChatEvent.MessageAdded.class)).isEqualTo(Set.of(alice.userId(), bob.userId()));
        assertThat(publishedWhenConfirmed).containsExactly(1);
        assertThat(world.all(bob, direct)).containsExactly(m);
    }

    @Test
    void seqsAreDenseAndFollowTheOrderSendsWereStoredInWhoeverSendsThem() {
        for (int i = 0; i < 10; i++) {
            world.say(i % 2 == 0 ? alice : bob, direct, "m" + i);
        }
        assertThat(world.all(alice, direct)).extracting(Message::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
        assertThat(world.all(alice, direct)).extracting(Message::body)
                .containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
    }

    @Test
    void aRetryWithTheSameClientIdGetsTheOriginalAndNothingIsStoredOrPublishedTwice() {
        Message first = world.messages.send(alice, direct, "c1", "hi").join();
        Caller laptop = world.otherDevice(alice);
        Message again = world.messages.send(laptop, direct, "c1", "hi").join();

        assertThat(again).isEqualTo(first);
        assertThat(world.all(alice, direct)).hasSize(1);
        assertThat(world.events.of(ChatEvent.MessageAdded.class)).hasSize(1);
    }

    @Test
    void aClientIdIsTheSendersOwnSoAnotherSenderMayUseTheSameOne() {
        world.messages.send(alice, direct, "c1", "hi").join();
        Message bobs = world.messages.send(bob, direct, "c1", "hi").join();
        assertThat(bobs.seq()).isEqualTo(2);
    }

    @Test
    void reusingAClientIdForOtherTextIsRefusedAndStoresNothing() {
        world.messages.send(alice, direct, "c1", "hi").join();
        assertThat(Refusals.ofFuture(world.messages.send(alice, direct, "c1", "something else")))
                .isEqualTo(Refusal.CLIENT_ID_CONFLICT);
        assertThat(world.all(alice, direct)).extracting(Message::body).containsExactly("hi");
    }

    @Test
    void someoneOutsideTheConversationIsToldItDoesNotExistExactlyAsForNoConversation() {
        Caller mallory = world.user("mallory");
        assertThat(Refusals.ofFuture(world.messages.send(mallory, direct, "c1", "hi"))).isEqualTo(Refusal.NOT_FOUND);
        assertThat(Refusals.ofFuture(world.messages.send(alice, new ConversationId(424242), "c1", "hi")))
                .isEqualTo(Refusal.NOT_FOUND);
        assertThat(world.all(alice, direct)).isEmpty();
        assertThat(world.events.all()).isEmpty();
    }

    @Test
    void emptyAndOversizedBodiesAreRefusedBeforeAnythingIsStored() {
        assertThat(Refusals.ofFuture(world.messages.send(alice, direct, "c1", ""))).isEqualTo(Refusal.INVALID);
        String tooBig = "é".repeat(ChatWorld.MAX_BODY_BYTES / 2 + 1);
        assertThat(Refusals.ofFuture(world.messages.send(alice, direct, "c2", tooBig))).isEqualTo(Refusal.TOO_LARGE);
        String fits = "é".repeat(ChatWorld.MAX_BODY_BYTES / 2);
        assertThat(world.messages.send(alice, direct, "c3", fits).join().seq()).isEqualTo(1);
        assertThat(world.all(alice, direct)).hasSize(1);
    }

    @Test
    void aMemberRemovedFromAGroupCanNoLongerSendAndHearsNothingAfterTheRemoval() {
        Caller carol = world.user("carol");
        ConversationId group = world.group(alice, bob, carol);
        world.groups.removeMember(alice, group, bob.userId());

        assertThat(Refusals.ofFuture(world.messages.send(bob, group, "c1", "still here?"))).isEqualTo(Refusal.NOT_FOUND);
        world.say(carol, group, "after");
        assertThat(world.events.audienceOfLast(ChatEvent.MessageAdded.class))
                .isEqualTo(Set.of(alice.userId(), carol.userId()));
    }
}
