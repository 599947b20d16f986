package dev.parley.testkit;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.conversation.Positions;
import dev.parley.core.conversation.Role;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delivered and read positions: forward only, read implies delivered, never past the last seq,
 * members only.
 */
public abstract class PositionsContract extends MessageStoreContract {
    // ------------------------------------------------------------------------------------------
    // Receipt positions

    @Test
    public void positionsMoveForwardOnly() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        for (int i = 0; i < 5; i++) {
            text(c, alice, "m" + i);
        }

        assertThat(advance(c, bob, 2, 0)).contains(new Positions(c, bob, 2, 0));
        assertThat(advance(c, bob, 1, 0)).as("backwards").isEmpty();
        assertThat(advance(c, bob, 2, 0)).as("same place").isEmpty();
        assertThat(advance(c, bob, 4, 1)).contains(new Positions(c, bob, 4, 1));
        assertThat(advance(c, bob, 0, 3)).as("read alone").contains(new Positions(c, bob, 4, 3));
        assertThat(advance(c, bob, 3, 2)).as("both backwards").isEmpty();

        assertThat(conversations.member(c, bob)).contains(new MemberState(bob, Role.MEMBER, 0, 0, 4, 3));
        assertThat(conversations.member(c, alice)).contains(new MemberState(alice, Role.MEMBER, 0, 0, 0, 0));
    }

    @Test
    public void readImpliesDelivered() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        for (int i = 0; i < 5; i++) {
            text(c, alice, "m" + i);
        }

        assertThat(advance(c, bob, 0, 3)).contains(new Positions(c, bob, 3, 3));
        assertThat(advance(c, bob, 3, 3)).isEmpty();
        assertThat(conversations.members(c)).contains(new MemberState(bob, Role.MEMBER, 0, 0, 3, 3));
    }

    @Test
    public void positionsStopAtTheLastSeq() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        for (int i = 0; i < 5; i++) {
            text(c, alice, "m" + i);
        }

        assertThat(advance(c, bob, 100, 0)).contains(new Positions(c, bob, 5, 0));
        assertThat(advance(c, bob, 100, 0)).isEmpty();
        assertThat(advance(c, bob, 0, 1_000)).contains(new Positions(c, bob, 5, 5));
        assertThat(advance(c, bob, MAX, MAX)).isEmpty();

        text(c, alice, "m5");
        assertThat(advance(c, bob, MAX, MAX)).contains(new Positions(c, bob, 6, 6));
    }

    @Test
    public void positionsOfNonMembersDoNotMove() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId eve = newUser("eve");
        ConversationId c = direct(alice, bob);
        text(c, alice, "hi");

        assertThat(advance(c, eve, 1, 1)).isEmpty();
        assertThat(advance(new ConversationId(ids.next()), alice, 1, 1)).isEmpty();
        assertThat(conversations.member(c, eve)).isEmpty();
    }

    @Test
    public void emptyConversationHasNoPositionsToMove() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);

        assertThat(advance(c, bob, 5, 5)).isEmpty();
        assertThat(conversations.member(c, bob)).contains(new MemberState(bob, Role.MEMBER, 0, 0, 0, 0));
    }
}
