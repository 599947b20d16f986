package dev.parley.core.typing;

import dev.parley.core.ChatException.Refusal;
import dev.parley.core.account.Caller;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.memory.ChatWorld;
import dev.parley.core.memory.Refusals;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Typing: to the other members only, never stored, and an indicator not renewed ends by itself. */
class TypingTrackerTest {
    private final ChatWorld world = new ChatWorld();
    private final TypingTracker typing = new TypingTracker(world.events, world.memberships, world.clock,
            Duration.ofSeconds(6));
    private final Caller alice = world.user("alice");
    private final Caller bob = world.user("bob");
    private final Caller carol = world.user("carol");
    private final ConversationId group = world.group(alice, bob, carol);

    @Test
    void theOtherMembersHearItAndNothingIsStored() {
        world.events.clear();
        typing.typing(alice, group, true).join();
        assertThat(world.events.of(ChatEvent.TypingChanged.class))
                .containsExactly(new ChatEvent.TypingChanged(group, alice.userId(), true));
        assertThat(world.events.audienceOfLast(ChatEvent.TypingChanged.class)).isEqualTo(Set.of(bob.userId(), carol.userId()));
        assertThat(world.all(alice, group)).hasSize(1); // the group's creation only

        typing.typing(alice, group, false).join();
        typing.typing(alice, group, false).join();
        assertThat(world.events.of(ChatEvent.TypingChanged.class)).extracting(ChatEvent.TypingChanged::typing)
                .containsExactly(true, false);
    }

    @Test
    void anIndicatorNotRenewedEndsAtItsExpiryAndARenewalPushesItBack() {
        world.events.clear();
        typing.typing(alice, group, true).join();
        world.clock.advance(4_000);
        typing.typing(alice, group, true).join();
        world.clock.advance(4_000);
        typing.sweep();
        assertThat(world.events.of(ChatEvent.TypingChanged.class)).extracting(ChatEvent.TypingChanged::typing)
                .containsExactly(true, true);
        world.clock.advance(2_000);
        typing.sweep();
        typing.sweep();
        assertThat(world.events.of(ChatEvent.TypingChanged.class)).extracting(ChatEvent.TypingChanged::typing)
                .containsExactly(true, true, false);
    }

    @Test
    void onlyMembersMayType() {
        Caller mallory = world.user("mallory");
        assertThat(Refusals.ofFuture(typing.typing(mallory, group, true))).isEqualTo(Refusal.NOT_FOUND);
    }
}
