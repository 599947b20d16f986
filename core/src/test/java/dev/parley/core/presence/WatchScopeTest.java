package dev.parley.core.presence;

import dev.parley.core.account.Caller;
import dev.parley.core.account.UserId;
import dev.parley.core.block.BlockDirectory;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.memory.ChatWorld;
import dev.parley.core.memory.MemoryPeopleStores;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Whose presence a user may watch: those sharing a conversation now, unless they blocked the watcher. */
class WatchScopeTest {
    private final ChatWorld world = new ChatWorld();
    private final MemoryPeopleStores people = MemoryPeopleStores.beside(world.stores);
    private final BlockDirectory blocks = new BlockDirectory(people.blocks(), world.stores.accounts(), Runnable::run, 100);
    private final WatchScope scope = new WatchScope(world.stores.conversations(), blocks);
    private final Caller alice = world.user("alice");
    private final Caller bob = world.user("bob");
    private final Caller carol = world.user("carol");
    private final Caller stranger = world.user("stranger");

    @Test
    void onlyUsersSharingAConversationMayBeWatched() {
        world.direct(alice, bob);
        world.group(alice, carol);
        assertThat(scope.allowed(alice.userId(), Set.of(bob.userId(), carol.userId(), stranger.userId())))
                .containsExactlyInAnyOrder(bob.userId(), carol.userId());
    }

    @Test
    void leavingTheOnlySharedConversationEndsIt() {
        ConversationId group = world.group(alice, carol);
        world.groups.leave(carol, group);
        assertThat(scope.allowed(alice.userId(), Set.of(carol.userId()))).isEmpty();
    }

    @Test
    void aUserWhoBlockedTheWatcherMayNotBeWatchedByThemButMayWatchThem() {
        world.direct(alice, bob);
        people.blocks().block(bob.userId(), alice.userId(), world.clock.millis());
        blocks.changed(bob.userId(), alice.userId());
        assertThat(scope.allowed(alice.userId(), Set.of(bob.userId()))).isEmpty();
        assertThat(scope.allowed(bob.userId(), Set.of(alice.userId()))).containsExactly(alice.userId());
    }

    @Test
    void withoutBlocksOnlySharingCounts() {
        world.direct(alice, bob);
        WatchScope open = new WatchScope(world.stores.conversations(), null);
        assertThat(open.allowed(alice.userId(), Set.<UserId>of(bob.userId(), stranger.userId()))).containsExactly(bob.userId());
    }
}
