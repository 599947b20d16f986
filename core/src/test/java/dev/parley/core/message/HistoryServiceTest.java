package dev.parley.core.message;

import dev.parley.core.ChatException.Refusal;
import dev.parley.core.account.Caller;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.memory.ChatWorld;
import dev.parley.core.memory.Refusals;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** History windows: backward from the end, forward from a seq, bounded pages, members (and former members up to their exit) only. */
class HistoryServiceTest {
    private final ChatWorld world = new ChatWorld();
    private final Caller alice = world.user("alice");
    private final Caller bob = world.user("bob");
    private final ConversationId direct = world.direct(alice, bob);

    private static List<Long> seqs(HistoryPage page) {
        return page.messages().stream().map(Message::seq).toList();
    }

    @Test
    void pagesBackwardFromTheEndAndForwardFromASeqSayWhetherThereIsMore() {
        for (int i = 1; i <= 12; i++) {
            world.say(alice, direct, "m" + i);
        }
        HistoryPage newest = world.history.page(bob, direct, null, null, 5);
        assertThat(seqs(newest)).containsExactly(8L, 9L, 10L, 11L, 12L);
        assertThat(newest.hasMore()).isTrue();
        HistoryPage older = world.history.page(bob, direct, 8L, null, 5);
        assertThat(seqs(older)).containsExactly(3L, 4L, 5L, 6L, 7L);
        HistoryPage oldest = world.history.page(bob, direct, 3L, null, 5);
        assertThat(seqs(oldest)).containsExactly(1L, 2L);
        assertThat(oldest.hasMore()).isFalse();

        HistoryPage after = world.history.page(bob, direct, null, 9L, 5);
        assertThat(seqs(after)).containsExactly(10L, 11L, 12L);
        assertThat(after.hasMore()).isFalse();
        HistoryPage fromStart = world.history.page(bob, direct, null, 0L, 5);
        assertThat(seqs(fromStart)).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(fromStart.hasMore()).isTrue();
    }

    @Test
    void pageSizeAndDirectionAreChecked() {
        assertThat(Refusals.of(() -> world.history.page(alice, direct, null, null, 0))).isEqualTo(Refusal.INVALID);
        assertThat(Refusals.of(() -> world.history.page(alice, direct, null, null, ChatWorld.MAX_PAGE + 1)))
                .isEqualTo(Refusal.INVALID);
        assertThat(Refusals.of(() -> world.history.page(alice, direct, 5L, 1L, 10))).isEqualTo(Refusal.INVALID);
        assertThat(world.history.page(alice, direct, null, null, ChatWorld.MAX_PAGE).messages()).isEmpty();
    }

    @Test
    void aFormerMemberKeepsTheHistoryUpToTheEntryThatRemovedThemAndNothingAfter() {
        Caller carol = world.user("carol");
        ConversationId group = world.group(alice, bob, carol);
        world.say(alice, group, "before");
        Message removal = world.groups.removeMember(alice, group, carol.userId());
        world.say(alice, group, "after");

        List<Message> carolSees = world.history.page(carol, group, null, 0L, 50).messages();
        assertThat(carolSees).extracting(Message::seq).containsExactlyElementsOf(
                LongStream.rangeClosed(1, removal.seq()).boxed().toList());
        assertThat(carolSees.getLast().kind()).isEqualTo(MessageKind.MEMBER_REMOVED);
        assertThat(world.history.page(carol, group, null, null, 50).messages()).isEqualTo(carolSees);
        assertThat(world.history.page(bob, group, null, 0L, 50).messages()).hasSize(carolSees.size() + 1);
    }

    @Test
    void someoneWhoWasNeverAMemberIsToldTheConversationDoesNotExist() {
        world.say(alice, direct, "private");
        Caller mallory = world.user("mallory");
        assertThat(Refusals.of(() -> world.history.page(mallory, direct, null, null, 10))).isEqualTo(Refusal.NOT_FOUND);
        assertThat(Refusals.of(() -> world.history.page(mallory, new ConversationId(99), null, null, 10)))
                .isEqualTo(Refusal.NOT_FOUND);
    }
}
