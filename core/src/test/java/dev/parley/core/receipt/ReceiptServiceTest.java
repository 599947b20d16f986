package dev.parley.core.receipt;

import dev.parley.core.ChatException.Refusal;
import dev.parley.core.account.Caller;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.Positions;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.memory.ChatWorld;
import dev.parley.core.memory.Refusals;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Delivered and read positions: forward only, never past the end, read implies delivered, heard by every member. */
class ReceiptServiceTest {
    private final ChatWorld world = new ChatWorld();
    private final Caller alice = world.user("alice");
    private final Caller bob = world.user("bob");
    private final ConversationId direct = world.direct(alice, bob);

    @Test
    void readMovesDeliveredTooAndEveryMemberHearsOfIt() {
        for (int i = 0; i < 5; i++) {
            world.say(alice, direct, "m" + i);
        }
        world.events.clear();
        Optional<Positions> moved = world.receipts.read(bob, direct, 3).join();
        assertThat(moved).contains(new Positions(direct, bob.userId(), 3, 3));
        assertThat(world.events.of(ChatEvent.ReceiptMoved.class))
                .containsExactly(new ChatEvent.ReceiptMoved(direct, bob.userId(), 3, 3));
        assertThat(world.events.audienceOfLast(ChatEvent.ReceiptMoved.class)).isEqualTo(Set.of(alice.userId(), bob.userId()));

        assertThat(world.receipts.delivered(bob, direct, 5).join()).contains(new Positions(direct, bob.userId(), 5, 3));
    }

    @Test
    void positionsOnlyMoveForwardAndABackwardMoveIsSilent() {
        world.say(alice, direct, "a");
        world.say(alice, direct, "b");
        world.receipts.read(bob, direct, 2).join();
        world.events.clear();

        assertThat(world.receipts.delivered(bob, direct, 1).join()).isEmpty();
        assertThat(world.receipts.read(bob, direct, 1).join()).isEmpty();
        assertThat(world.events.all()).isEmpty();
        assertThat(world.stores.conversations().member(direct, bob.userId()).orElseThrow().readSeq()).isEqualTo(2);
    }

    @Test
    void positionsStopAtTheLastEntry() {
        world.say(alice, direct, "only one");
        assertThat(world.receipts.read(bob, direct, 1_000).join()).contains(new Positions(direct, bob.userId(), 1, 1));
        assertThat(world.receipts.read(bob, direct, 2_000).join()).isEmpty();
    }

    @Test
    void onlyMembersHavePositions() {
        Caller mallory = world.user("mallory");
        assertThat(Refusals.ofFuture(world.receipts.read(mallory, direct, 1))).isEqualTo(Refusal.NOT_FOUND);
    }
}
