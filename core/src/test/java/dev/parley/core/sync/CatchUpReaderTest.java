package dev.parley.core.sync;

import dev.parley.core.account.Caller;
import dev.parley.core.block.BlockDirectory;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.memory.ChatWorld;
import dev.parley.core.memory.MemoryPeopleStores;
import dev.parley.core.message.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The catch-up rules every transport follows: resume, gap fill and the receipts a reader may see. */
class CatchUpReaderTest {
    private static final int MAX_CATCH_UP = 10;

    private final ChatWorld world = new ChatWorld();
    private final MemoryPeopleStores people = MemoryPeopleStores.beside(world.stores);
    private final BlockDirectory blocks = new BlockDirectory(people.blocks(), world.stores.accounts(), Runnable::run, 100);
    private final CatchUpReader reader = new CatchUpReader(world.stores.conversations(), world.stores.messages(), blocks,
            MAX_CATCH_UP);
    private final Caller alice = world.user("alice");
    private final Caller bob = world.user("bob");
    private final ConversationId direct = world.direct(alice, bob);

    @Test
    void aGapIsEveryEntryAfterThePositionInOrder() {
        sayTimes(5);
        Backlog gap = reader.gap(direct, 2, 5);
        assertThat(gap).isInstanceOf(Backlog.Entries.class);
        assertThat(seqs(((Backlog.Entries) gap).entries())).containsExactly(3L, 4L, 5L);
    }

    @Test
    void aGapTheStoreDoesNotHoldYetIsNothingAndOneBeyondTheLimitIsAResyncWithoutReading() {
        sayTimes(2);
        assertThat(reader.gap(direct, 2, 4)).isEqualTo(new Backlog.Nothing());
        assertThat(reader.beyondLimit(0, MAX_CATCH_UP)).isFalse();
        assertThat(reader.beyondLimit(0, MAX_CATCH_UP + 1)).isTrue();
        assertThat(reader.gap(direct, 0, 1_000_000)).isEqualTo(new Backlog.Resync(1_000_000));
    }

    @Test
    void entriesDeletedByRetentionRightAfterThePositionMeanAResync() {
        sayTimes(3);
        world.clock.advance(60_000);
        sayTimes(2);
        world.stores.messages().deleteOlderThan(world.clock.millis() - 30_000);
        assertThat(reader.gap(direct, 1, 5)).isEqualTo(new Backlog.Resync(5));
        assertThat(reader.gap(direct, 3, 5)).isInstanceOf(Backlog.Entries.class);
    }

    @Test
    void aResumeGivesEachConversationFromItsPositionThenItsReceiptsThenFinished() {
        ConversationId group = world.group(alice, bob);
        sayTimes(3);
        long groupLast = world.say(alice, group, "hello group").seq();
        world.receipts.read(bob, direct, 2).join();

        List<ResumeStep> steps = new ArrayList<>();
        reader.resume(bob.userId(), Map.of(direct.value(), 1L, group.value(), groupLast), steps::add);

        assertThat(steps).hasSize(4);
        assertThat(steps).contains(new ResumeStep.UpToDate(group.value(), groupLast));
        ResumeStep.Entries entries = only(steps, ResumeStep.Entries.class);
        assertThat(entries.conversationId()).isEqualTo(direct.value());
        assertThat(seqs(entries.entries())).containsExactly(2L, 3L);
        ResumeStep.Receipts receipts = only(steps, ResumeStep.Receipts.class);
        assertThat(steps.indexOf(receipts)).isEqualTo(steps.indexOf(entries) + 1);
        assertThat(receipts.members()).extracting(MemberState::userId).containsExactlyInAnyOrder(alice.userId(), bob.userId());
        assertThat(steps.getLast()).isEqualTo(new ResumeStep.Finished(1, 2));
    }

    @Test
    void aResumeTooFarBehindIsAResyncAndGetsNoReceipts() {
        sayTimes(MAX_CATCH_UP + 2);
        List<ResumeStep> steps = new ArrayList<>();
        reader.resume(bob.userId(), Map.of(), steps::add);
        assertThat(steps).containsExactly(new ResumeStep.Resync(direct.value(), MAX_CATCH_UP + 2),
                new ResumeStep.Finished(1, 0));
    }

    @Test
    void aLongResumeComesInChunksEachReadOnlyOnceTheOneBeforeWasTaken() {
        CatchUpReader roomy = new CatchUpReader(world.stores.conversations(), world.stores.messages(), blocks, 10_000);
        sayTimes(CatchUpReader.RESUME_CHUNK + 3);
        List<ResumeStep> steps = new ArrayList<>();
        roomy.resume(bob.userId(), Map.of(), step -> {
            steps.add(step);
            if (step instanceof ResumeStep.Entries) {
                // Retention runs while the device drains the first chunk: a chunk read ahead would
                // still carry what it deleted.
                world.stores.messages().deleteOlderThan(Long.MAX_VALUE);
            }
        });
        assertThat(steps).filteredOn(ResumeStep.Entries.class::isInstance).hasSize(1);
        assertThat(only(steps, ResumeStep.Entries.class).entries()).hasSize(CatchUpReader.RESUME_CHUNK);
        assertThat(steps.getLast()).isEqualTo(new ResumeStep.Finished(1, CatchUpReader.RESUME_CHUNK));
    }

    @Test
    void aFormerMemberGetsEntriesUpToItsLeavingAndNoReceipts() {
        Caller carol = world.user("carol");
        ConversationId group = world.group(alice, bob, carol);
        world.say(alice, group, "before");
        long left = world.groups.leave(carol, group).seq();
        world.say(alice, group, "after");

        List<ResumeStep> steps = new ArrayList<>();
        reader.resume(carol.userId(), Map.of(), steps::add);
        ResumeStep.Entries entries = only(steps, ResumeStep.Entries.class);
        assertThat(entries.last()).isEqualTo(left);
        assertThat(steps).noneMatch(s -> s instanceof ResumeStep.Receipts);
    }

    @Test
    void membersWhoBlockedTheReaderKeepTheirPositionsToThemselves() {
        ConversationId group = world.group(alice, bob);
        people.blocks().block(alice.userId(), bob.userId(), world.clock.millis());
        blocks.changed(alice.userId(), bob.userId());
        assertThat(reader.positionsSeenBy(bob.userId(), group)).extracting(MemberState::userId)
                .containsExactly(bob.userId());
        assertThat(reader.positionsSeenBy(alice.userId(), group)).extracting(MemberState::userId)
                .containsExactlyInAnyOrder(alice.userId(), bob.userId());
    }

    private void sayTimes(int n) {
        for (int i = 0; i < n; i++) {
            world.say(alice, direct, "m" + i);
        }
    }

    private static List<Long> seqs(List<Message> messages) {
        return messages.stream().map(Message::seq).toList();
    }

    private static <T extends ResumeStep> T only(List<ResumeStep> steps, Class<T> type) {
        List<T> of = steps.stream().filter(type::isInstance).map(type::cast).toList();
        assertThat(of).hasSize(1);
        return of.getFirst();
    }
}
