package dev.parley.testkit;

import dev.parley.core.ChatException.Refusal;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.Role;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.MembershipChange;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several instances on one database, as several nodes share one PostgreSQL: seqs stay dense, a
 * removal is never overtaken by the removed member's append, and the size limit holds. Skipped
 * where {@link #openSecondStores()} returns null (SQLite).
 */
public abstract class TwoInstanceContract extends GroupContract {
    // ------------------------------------------------------------------------------------------
    // Several instances appending to many conversations

    /**
     * Both instances append to the same conversations at once, each going through them in its own
     * order (one ascending, one descending), without waiting, so their writers batch appends to
     * several conversations together and lock them in opposite orders.
     */
    @Test
    public void concurrentAppendsToManyConversationsFromTwoInstancesStayDense() throws Exception {
        Stores second = secondStores();
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        List<ConversationId> targets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            targets.add(group(alice, bob, carol));
            targets.add(direct(newUser("peer" + i), i % 2 == 0 ? alice : bob));
        }
        List<UserId> senders = new ArrayList<>();
        for (ConversationId c : targets) {
            senders.add(conversations.membership(c).orElseThrow().members().iterator().next());
        }
        int rounds = 25;

        List<List<CompletableFuture<AppendResult>>> submitted = concurrently(4, t -> {
            MessageStore store = t % 2 == 0 ? messages : second.messageStore();
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                order.add(i);
            }
            if (t % 2 == 1) {
                Collections.reverse(order);
            }
            List<CompletableFuture<AppendResult>> mine = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                for (int i : order) {
                    UserId sender = senders.get(i);
                    mine.add(store.append(AppendRequest.text(targets.get(i), sender, device(sender),
                            "t" + t + "-" + round + "-" + i, "round " + round, tick())));
                }
            }
            return mine;
        });

        Map<ConversationId, Set<Long>> seqs = new HashMap<>();
        for (List<CompletableFuture<AppendResult>> perThread : submitted) {
            for (CompletableFuture<AppendResult> f : perThread) {
                Message m = appended(await(f)).message();
                assertThat(seqs.computeIfAbsent(m.conversationId(), k -> new HashSet<>()).add(m.seq()))
                        .as("seq %d of %s given twice", m.seq(), m.conversationId()).isTrue();
            }
        }
        for (ConversationId c : targets) {
            long first = conversations.find(c).orElseThrow().kind() == ConversationKind.GROUP ? 2 : 1;
            long last = first + 4L * rounds - 1;
            assertThat(seqs.get(c)).as("seqs of %s", c)
                    .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(first, last).boxed().toList());
            assertThat(lastSeq(c)).isEqualTo(last);
            assertThat(seqs(second.messageStore().range(c, 0, MAX, 1_000)))
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, last).boxed().toList());
        }
    }

    /**
     * A member appends through the second instance while the first removes them. Whatever the
     * interleaving, every append the store accepted from them is ordered before their removal,
     * and every later one is refused: a removal is never overtaken by an append that checked the
     * membership before it.
     */
    @Test
    public void appendsRacingTheSendersRemovalOnAnotherInstanceNeverFollowIt() throws Exception {
        Stores second = secondStores();
        UserId owner = newUser("owner");
        int groups = 4;
        List<ConversationId> gs = new ArrayList<>();
        List<UserId> leaving = new ArrayList<>();
        for (int i = 0; i < groups; i++) {
            UserId member = newUser("member" + i);
            leaving.add(member);
            gs.add(group(owner, member));
        }
        int perThread = 60;

        List<List<CompletableFuture<AppendResult>>> submitted = concurrently(2 * groups, t -> {
            ConversationId g = gs.get(t / 2);
            UserId member = leaving.get(t / 2);
            if (t % 2 == 0) {
                return List.of(messages.append(changeRequest(g, owner, new MembershipChange.Remove(member))));
            }
            List<CompletableFuture<AppendResult>> mine = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
                mine.add(second.messageStore().append(AppendRequest.text(g, member, device(member), "m-" + i,
                        "message " + i, tick())));
            }
            return mine;
        });

        for (int i = 0; i < groups; i++) {
            ConversationId g = gs.get(i);
            long removedAt = appended(await(submitted.get(2 * i).getFirst())).message().seq();
            int accepted = 0;
            for (CompletableFuture<AppendResult> f : submitted.get(2 * i + 1)) {
                AppendResult r = await(f);
                if (r instanceof AppendResult.Appended a) {
                    assertThat(a.message().seq()).as("an accepted append follows the removal at %d", removedAt)
                            .isLessThan(removedAt);
                    accepted++;
                } else {
                    assertThat(r).isInstanceOf(AppendResult.NotMember.class);
                }
            }
            assertThat(removedAt).isEqualTo(accepted + 2L);
            assertThat(lastSeq(g)).isEqualTo(removedAt);
            assertThat(seqs(messages.range(g, 0, MAX, 1_000)))
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, removedAt).boxed().toList());
        }
    }

    @Test
    public void concurrentAddsOnTwoInstancesNeverExceedTheMaximumSize() throws Exception {
        Stores second = secondStores();
        UserId owner = newUser("owner");
        ConversationId g = group(owner);
        List<UserId> candidates = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            candidates.add(newUser("u" + i));
        }
        int maxSize = 6;

        List<AppendResult> results = concurrently(16, t -> await((t % 2 == 0 ? messages : second.messageStore())
                .append(changeRequest(g, owner, new MembershipChange.Add(List.of(candidates.get(t)), Role.MEMBER,
                        maxSize)))));

        assertThat(results).filteredOn(r -> r instanceof AppendResult.Appended).hasSize(maxSize - 1);
        assertThat(results).filteredOn(r -> !(r instanceof AppendResult.Appended))
                .allSatisfy(r -> assertRefused(r, Refusal.GROUP_FULL));
        assertThat(second.conversationStore().membership(g))
                .hasValueSatisfying(m -> assertThat(m.size()).isEqualTo(maxSize));
        assertThat(seqs(messages.range(g, 0, MAX, 100))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }
}
