package dev.parley.testkit;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.Role;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.MembershipChange;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link dev.parley.core.message.MessageStore} appends and pages: dense seqs per conversation in
 * one order, exactly once under a client id, members only, commit hooks in seq order, and pages
 * forward and backward inside their bounds.
 */
public abstract class MessageStoreContract extends ConversationStoreContract {
    // ------------------------------------------------------------------------------------------
    // Appending text

    @Test
    public void appendAssignsDenseSeqsAndStoresEveryField() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);

        Message m1 = appended(append(AppendRequest.text(c, alice, device(alice), "a-1", "hello", tick()))).message();
        Message m2 = appended(append(AppendRequest.text(c, bob, device(bob), "b-1", "hi alice", tick()))).message();
        long lastAt = tick();
        Message m3 = appended(append(AppendRequest.text(c, alice, null, null, "ünïcødé ✓ 🙂\nline two", lastAt)))
                .message();

        assertThat(List.of(m1.seq(), m2.seq(), m3.seq())).containsExactly(1L, 2L, 3L);
        assertThat(m1).isEqualTo(new Message(c, 1, m1.createdAt(), alice, device(alice), "a-1", MessageKind.TEXT,
                "hello", null, null, null));
        assertThat(m3.senderDeviceId()).isNull();
        assertThat(m3.clientId()).isNull();

        assertThat(messages.range(c, 0, MAX, 100)).containsExactly(m1, m2, m3);
        assertThat(messages.before(c, MAX, MAX, 100)).containsExactly(m1, m2, m3);
        assertThat(conversations.find(c)).hasValueSatisfying(conv -> {
            assertThat(conv.lastSeq()).isEqualTo(3);
            assertThat(conv.lastActivityAt()).isEqualTo(lastAt);
        });
    }

    @Test
    public void lastActivityOnlyMovesForwardWhenAnEntryCarriesAnEarlierTime() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        ConversationId g = group(alice, bob);
        // In a cluster each node stamps entries with its own clock: one may be behind another.
        long later = tick() + 60_000;
        long earlier = later - 30_000;
        appended(append(AppendRequest.text(c, alice, device(alice), "a-1", "from a node ahead", later)));
        Message behind = appended(append(AppendRequest.text(c, bob, device(bob), "b-1", "from one behind", earlier)))
                .message();
        appended(append(AppendRequest.text(g, alice, device(alice), "a-2", "in the group", later)));
        appended(append(AppendRequest.change(g, alice, device(alice), MessageKind.RENAMED,
                new MembershipChange.Rename("renamed behind"), earlier)));

        assertThat(behind.seq()).isEqualTo(2);
        assertThat(behind.createdAt()).isEqualTo(earlier);
        assertThat(conversations.find(c).orElseThrow().lastActivityAt()).isEqualTo(later);
        assertThat(conversations.find(g).orElseThrow().lastActivityAt()).isEqualTo(later);
        assertThat(conversations.find(g).orElseThrow().title()).isEqualTo("renamed behind");
    }

    @Test
    public void seqsAreCountedPerConversation() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        ConversationId ab = direct(alice, bob);
        ConversationId ac = direct(alice, carol);

        assertThat(text(ab, alice, "x").seq()).isEqualTo(1);
        assertThat(text(ac, alice, "x").seq()).isEqualTo(1);
        assertThat(text(ab, bob, "y").seq()).isEqualTo(2);
        assertThat(text(ac, carol, "y").seq()).isEqualTo(2);
        assertThat(text(ac, carol, "z").seq()).isEqualTo(3);

        assertThat(messages.range(ab, 0, MAX, 100)).extracting(Message::body).containsExactly("x", "y");
        assertThat(messages.range(ac, 0, MAX, 100)).extracting(Message::body).containsExactly("x", "y", "z");
    }

    @Test
    public void textAppendCarriesNoMembershipSnapshot() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);

        AppendResult.Appended a = appended(append(AppendRequest.text(c, alice, device(alice), "a-1", "hi", tick())));

        assertThat(a.membership()).as("a text entry does not change membership, so none is read for it").isNull();
        assertThat(a.message().seq()).isEqualTo(1);
    }

    @Test
    public void textAppendAfterAMembershipChangeReturnsTheCurrentMembership() {
        UserId owner = newUser("owner");
        UserId a = newUser("a");
        UserId c = newUser("c");
        ConversationId g = new ConversationId(ids.next());
        await(messages.createGroup(g, owner, device(owner), "T", List.of(a), tick()));

        AppendResult.Appended current = appended(append(AppendRequest.text(g, a, device(a), "a-1", "x", tick(), 1)));
        assertThat(current.membership()).as("the version the sender checked is current").isNull();

        appended(change(g, owner, new MembershipChange.Add(List.of(c), Role.MEMBER, 100)));
        AppendResult.Appended stale = appended(append(AppendRequest.text(g, a, device(a), "a-2", "y", tick(), 1)));

        assertThat(stale.membership()).as("the sender checked version 1; membership changed at seq 3").isNotNull();
        assertThat(stale.membership().version()).isEqualTo(3);
        assertThat(stale.membership().roles()).containsOnlyKeys(owner, a, c);
        assertThat(conversations.membership(g)).contains(stale.membership());
    }

    @Test
    public void commitHooksRunInSeqOrderBeforeTheFuturesComplete() throws Exception {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        List<Long> hooked = java.util.Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Boolean>> sawOwnHook = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            CompletableFuture<AppendResult> f = messages.append(
                    AppendRequest.text(c, i % 2 == 0 ? alice : bob, null, "h" + i, "m" + i, tick()),
                    r -> hooked.add(((AppendResult.Appended) r).message().seq()));
            sawOwnHook.add(f.thenApply(r -> hooked.contains(((AppendResult.Appended) r).message().seq())));
        }
        for (CompletableFuture<Boolean> f : sawOwnHook) {
            assertThat(f.get(30, java.util.concurrent.TimeUnit.SECONDS)).as("the hook ran before the future completed")
                    .isTrue();
        }
        assertThat(hooked).as("hooks ran once per append, in seq order").hasSize(200).isSorted()
                .doesNotHaveDuplicates();
    }

    @Test
    public void retryWithTheSameClientIdReturnsTheOriginal() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        Message first = appended(append(AppendRequest.text(c, alice, device(alice), "c-1", "hello", tick()))).message();
        text(c, bob, "in between");

        AppendResult retry = append(AppendRequest.text(c, alice, device(alice), "c-1", "hello", tick()));

        assertThat(retry).isEqualTo(new AppendResult.Duplicate(first));
        assertThat(messages.range(c, 0, MAX, 100)).extracting(Message::seq).containsExactly(1L, 2L);
        assertThat(conversations.find(c)).hasValueSatisfying(conv -> assertThat(conv.lastSeq()).isEqualTo(2));
        assertThat(text(c, alice, "next").seq()).as("no seq was used up by the retry").isEqualTo(3);
    }

    @Test
    public void sameClientIdWithAnotherBodyConflicts() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        Message first = appended(append(AppendRequest.text(c, alice, device(alice), "c-1", "hello", tick()))).message();

        AppendResult clash = append(AppendRequest.text(c, alice, device(alice), "c-1", "something else", tick()));

        assertThat(clash).isEqualTo(new AppendResult.ClientIdConflict(first));
        assertThat(messages.range(c, 0, MAX, 100)).containsExactly(first);
        assertThat(conversations.find(c)).hasValueSatisfying(conv -> assertThat(conv.lastSeq()).isEqualTo(1));
    }

    @Test
    public void clientIdsBelongToTheirSender() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        Message fromAlice = appended(append(AppendRequest.text(c, alice, device(alice), "c-1", "hello", tick())))
                .message();

        Message fromBob = appended(append(AppendRequest.text(c, bob, device(bob), "c-1", "hello", tick()))).message();

        assertThat(fromBob.seq()).isEqualTo(2);
        assertThat(fromBob.senderId()).isEqualTo(bob);
        assertThat(messages.range(c, 0, MAX, 100)).containsExactly(fromAlice, fromBob);
        assertThat(append(AppendRequest.text(c, bob, device(bob), "c-1", "hello", tick())))
                .isEqualTo(new AppendResult.Duplicate(fromBob));
    }

    @Test
    public void clientIdsArePerConversation() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        ConversationId ab = direct(alice, bob);
        ConversationId ac = direct(alice, carol);
        appended(append(AppendRequest.text(ab, alice, device(alice), "c-1", "hello", tick())));

        AppendResult other = append(AppendRequest.text(ac, alice, device(alice), "c-1", "hello", tick()));

        assertThat(appended(other).message().seq()).isEqualTo(1);
        assertThat(appended(other).message().conversationId()).isEqualTo(ac);
    }

    @Test
    public void nonMemberCannotAppend() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId eve = newUser("eve");
        ConversationId c = direct(alice, bob);
        text(c, alice, "hi");

        assertThat(append(AppendRequest.text(c, eve, device(eve), "e-1", "let me in", tick())))
                .isInstanceOf(AppendResult.NotMember.class);
        assertThat(append(AppendRequest.text(c, eve, device(eve), null, "let me in", tick())))
                .isInstanceOf(AppendResult.NotMember.class);

        assertThat(messages.range(c, 0, MAX, 100)).extracting(Message::senderId).containsExactly(alice);
        assertThat(conversations.find(c)).hasValueSatisfying(conv -> assertThat(conv.lastSeq()).isEqualTo(1));
    }

    @Test
    public void appendToUnknownConversationIsNotMember() {
        UserId alice = newUser("alice");
        ConversationId unknown = new ConversationId(ids.next());

        assertThat(append(AppendRequest.text(unknown, alice, device(alice), "a-1", "hello?", tick())))
                .isInstanceOf(AppendResult.NotMember.class);

        assertThat(conversations.find(unknown)).isEmpty();
        assertThat(messages.range(unknown, 0, MAX, 100)).isEmpty();
    }

    // ------------------------------------------------------------------------------------------
    // Concurrency

    @Test
    public void concurrentAppendsGetDenseUniqueSeqs() throws Exception {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        int threads = 8;
        int perThread = 200;

        List<List<CompletableFuture<AppendResult>>> submitted = concurrently(threads, t -> {
            List<CompletableFuture<AppendResult>> mine = new ArrayList<>(perThread);
            UserId sender = t % 2 == 0 ? alice : bob;
            for (int i = 0; i < perThread; i++) {
                mine.add(messages.append(AppendRequest.text(c, sender, device(sender), "t" + t + "-" + i,
                        "message " + i + " of thread " + t, tick())));
            }
            return mine;
        });

        assertDenseAndStored(c, submitted, threads * perThread, List.of(messages));
    }

    @Test
    public void concurrentAppendsFromTwoInstancesGetDenseUniqueSeqs() throws Exception {
        Stores second = secondStores();
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId c = direct(alice, bob);
        int threads = 8;
        int perThread = 100;

        List<List<CompletableFuture<AppendResult>>> submitted = concurrently(threads, t -> {
            MessageStore store = t % 2 == 0 ? messages : second.messageStore();
            UserId sender = t % 4 < 2 ? alice : bob;
            List<CompletableFuture<AppendResult>> mine = new ArrayList<>(perThread);
            for (int i = 0; i < perThread; i++) {
                mine.add(store.append(AppendRequest.text(c, sender, device(sender), "t" + t + "-" + i,
                        "message " + i + " of thread " + t, tick())));
            }
            return mine;
        });

        assertDenseAndStored(c, submitted, threads * perThread, List.of(messages, second.messageStore()));
        assertThat(second.conversationStore().find(c))
                .hasValueSatisfying(conv -> assertThat(conv.lastSeq()).isEqualTo(threads * perThread));
    }

    protected final void assertDenseAndStored(ConversationId c, List<List<CompletableFuture<AppendResult>>> submitted, int n,
                                      List<MessageStore> readers) {
        List<Message> stored = new ArrayList<>(n);
        for (List<CompletableFuture<AppendResult>> perThread : submitted) {
            for (CompletableFuture<AppendResult> f : perThread) {
                stored.add(appended(await(f)).message());
            }
        }
        Set<Long> seqs = new HashSet<>();
        for (Message m : stored) {
            assertThat(seqs.add(m.seq())).as("seq %d given twice", m.seq()).isTrue();
        }
        assertThat(seqs).hasSize(n).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, n).boxed().toList());

        Map<Long, Message> bySeq = new HashMap<>();
        stored.forEach(m -> bySeq.put(m.seq(), m));
        for (MessageStore reader : readers) {
            List<Message> history = reader.range(c, 0, MAX, n + 10);
            assertThat(history).hasSize(n);
            for (int i = 0; i < n; i++) {
                Message m = history.get(i);
                assertThat(m.seq()).isEqualTo(i + 1L);
                assertThat(m).as("stored entry at seq %d", m.seq()).isEqualTo(bySeq.get(m.seq()));
            }
        }
        assertThat(conversations.find(c)).hasValueSatisfying(conv -> assertThat(conv.lastSeq()).isEqualTo(n));
    }

    // ------------------------------------------------------------------------------------------
    // Paging

    @Test
    public void rangePagesForwardWithinTheBounds() {
        ConversationId c = conversationWithTexts(10);

        assertThat(seqs(messages.range(c, 0, MAX, 3))).containsExactly(1L, 2L, 3L);
        assertThat(seqs(messages.range(c, 3, MAX, 3))).containsExactly(4L, 5L, 6L);
        assertThat(seqs(messages.range(c, 8, MAX, 5))).containsExactly(9L, 10L);
        assertThat(seqs(messages.range(c, 10, MAX, 5))).isEmpty();
        assertThat(seqs(messages.range(c, 0, 5, 100))).as("upTo bound").containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(seqs(messages.range(c, 2, 4, 100))).containsExactly(3L, 4L);
        assertThat(seqs(messages.range(c, 2, 9, 3))).containsExactly(3L, 4L, 5L);
        assertThat(seqs(messages.range(c, 4, 4, 100))).isEmpty();
        assertThat(seqs(messages.range(c, 0, MAX, 1))).containsExactly(1L);
    }

    @Test
    public void beforePagesBackwardWithinTheBoundsInAscendingOrder() {
        ConversationId c = conversationWithTexts(10);

        assertThat(seqs(messages.before(c, MAX, MAX, 3))).containsExactly(8L, 9L, 10L);
        assertThat(seqs(messages.before(c, 8, MAX, 3))).containsExactly(5L, 6L, 7L);
        assertThat(seqs(messages.before(c, 3, MAX, 10))).containsExactly(1L, 2L);
        assertThat(seqs(messages.before(c, 1, MAX, 10))).isEmpty();
        assertThat(seqs(messages.before(c, MAX, 6, 3))).as("upTo bound").containsExactly(4L, 5L, 6L);
        assertThat(seqs(messages.before(c, 5, 6, 10))).containsExactly(1L, 2L, 3L, 4L);
        assertThat(seqs(messages.before(c, 9, 4, 2))).containsExactly(3L, 4L);
        assertThat(seqs(messages.before(c, MAX, MAX, 1))).containsExactly(10L);
        assertThat(seqs(messages.before(c, 11, MAX, 100))).hasSize(10);
    }

    @Test
    public void pagingStaysInsideTheConversation() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        ConversationId ab = direct(alice, bob);
        ConversationId ac = direct(alice, carol);
        for (int i = 0; i < 4; i++) {
            text(ab, alice, "ab " + i);
            text(ac, carol, "ac " + i);
        }

        assertThat(messages.range(ab, 0, MAX, 100)).extracting(Message::body)
                .containsExactly("ab 0", "ab 1", "ab 2", "ab 3");
        assertThat(messages.before(ac, MAX, MAX, 100)).extracting(Message::body)
                .containsExactly("ac 0", "ac 1", "ac 2", "ac 3");
        assertThat(messages.range(new ConversationId(ids.next()), 0, MAX, 100)).isEmpty();
        assertThat(messages.before(new ConversationId(ids.next()), MAX, MAX, 100)).isEmpty();
    }
}
