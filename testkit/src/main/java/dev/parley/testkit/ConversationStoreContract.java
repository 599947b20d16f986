package dev.parley.testkit;

import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationEntry;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.ConversationStore;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.conversation.Membership;
import dev.parley.core.conversation.Role;
import dev.parley.core.conversation.UserConversation;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.MembershipChange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link dev.parley.core.conversation.ConversationStore}: one direct conversation per pair (also
 * when opened concurrently), a user's conversations newest first with a cursor, contacts, unread
 * counts, and the same at a scale of many conversations.
 */
public abstract class ConversationStoreContract extends AccountStoreContract {
    // ------------------------------------------------------------------------------------------
    // Direct conversations

    @Test
    public void openDirectCreatesTheConversationOnce() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        ConversationId firstId = new ConversationId(ids.next());
        long now = tick();

        Conversation created = conversations.openDirect(firstId, alice, bob, now);

        assertThat(created).isEqualTo(new Conversation(firstId, ConversationKind.DIRECT, null, now, 0, now));
        assertThat(conversations.find(firstId)).contains(created);

        ConversationId otherId = new ConversationId(ids.next());
        Conversation again = conversations.openDirect(otherId, bob, alice, tick());
        assertThat(again.id()).isEqualTo(firstId);
        assertThat(again.kind()).isEqualTo(ConversationKind.DIRECT);
        assertThat(conversations.openDirect(new ConversationId(ids.next()), alice, bob, tick()).id())
                .isEqualTo(firstId);
        assertThat(conversations.find(otherId)).as("the unused id").isEmpty();

        assertThat(conversations.membership(firstId)).contains(
                new Membership(firstId, ConversationKind.DIRECT, Map.of(alice, Role.MEMBER, bob, Role.MEMBER), 0));
        assertThat(conversations.members(firstId)).containsExactlyInAnyOrder(
                new MemberState(alice, Role.MEMBER, 0, 0, 0, 0),
                new MemberState(bob, Role.MEMBER, 0, 0, 0, 0));
        assertThat(conversations.member(firstId, alice)).contains(new MemberState(alice, Role.MEMBER, 0, 0, 0, 0));
    }

    @Test
    public void eachPairHasItsOwnDirectConversation() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");

        ConversationId ab = direct(alice, bob);
        ConversationId ac = direct(alice, carol);
        ConversationId bc = direct(carol, bob);

        assertThat(Set.of(ab, ac, bc)).hasSize(3);
        assertThat(conversations.membership(ac)).hasValueSatisfying(m ->
                assertThat(m.members()).containsExactlyInAnyOrder(alice, carol));
        assertThat(conversations.member(ab, carol)).isEmpty();
        assertThat(conversations.member(bc, alice)).isEmpty();
    }

    @Test
    public void unknownConversationHasNoMembership() {
        ConversationId unknown = new ConversationId(ids.next());

        assertThat(conversations.find(unknown)).isEmpty();
        assertThat(conversations.membership(unknown)).isEmpty();
        assertThat(conversations.members(unknown)).isEmpty();
        assertThat(conversations.member(unknown, newUser("alice"))).isEmpty();
    }

    @Test
    public void concurrentOpenDirectReturnsOneConversation() throws Exception {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");

        List<Conversation> results = concurrently(8, t -> conversations.openDirect(new ConversationId(ids.next()),
                t % 2 == 0 ? alice : bob, t % 2 == 0 ? bob : alice, tick()));

        assertThat(results).extracting(Conversation::id).containsOnly(results.getFirst().id());
        assertThat(conversations.members(results.getFirst().id())).hasSize(2);
    }

    @Test
    public void concurrentOpenDirectOnTwoInstancesReturnsOneConversation() throws Exception {
        Stores second = secondStores();
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");

        List<Conversation> results = concurrently(8, t -> (t % 2 == 0 ? conversations : second.conversationStore())
                .openDirect(new ConversationId(ids.next()), alice, bob, tick()));

        assertThat(results).extracting(Conversation::id).containsOnly(results.getFirst().id());
        assertThat(second.conversationStore().members(results.getFirst().id())).hasSize(2);
    }


    // ------------------------------------------------------------------------------------------
    // A user's conversations, contacts and unread counts

    @Test
    public void conversationsOfListsCurrentAndFormerConversations() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        UserId dave = newUser("dave");
        ConversationId ab = direct(alice, bob);
        text(ab, alice, "1");
        text(ab, bob, "2");
        ConversationId g = group(carol, alice, bob);
        text(g, carol, "2");
        long removedAt = appended(change(g, carol, new MembershipChange.Remove(alice))).message().seq();
        text(g, bob, "4");

        assertThat(conversations.conversationsOf(alice)).containsExactlyInAnyOrder(
                new UserConversation(ab, 2, 0),
                new UserConversation(g, 4, removedAt));
        assertThat(conversations.conversationsOf(bob)).containsExactlyInAnyOrder(
                new UserConversation(ab, 2, 0),
                new UserConversation(g, 4, 0));
        assertThat(conversations.conversationsOf(dave)).isEmpty();
    }

    @Test
    public void deliveredPositionsListsEveryCurrentConversationWithItsPosition() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        ConversationId ab = direct(alice, bob);
        text(ab, alice, "1");
        text(ab, bob, "2");
        ConversationId g = group(carol, alice, bob);
        text(g, carol, "2");
        ConversationId left = group(carol, alice);
        appended(change(left, carol, new MembershipChange.Remove(alice)));
        advance(ab, alice, 2, 0);

        assertThat(conversations.deliveredPositions(alice)).containsOnly(
                java.util.Map.entry(ab, 2L), java.util.Map.entry(g, 0L));
        assertThat(conversations.deliveredPositions(newUser("dave"))).isEmpty();
    }

    @Test
    public void listForUserOrdersByLastActivityNewestFirst() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        UserId dave = newUser("dave");
        ConversationId withBob = direct(alice, bob);
        ConversationId withCarol = direct(alice, carol);
        ConversationId daves = group(dave, alice);
        ConversationId left = group(dave, alice, bob);
        text(withCarol, carol, "oldest");
        text(daves, dave, "older");
        text(withBob, bob, "newer");
        text(withCarol, alice, "newest");
        appended(change(left, alice, new MembershipChange.Leave()));

        List<ConversationEntry> all = conversations.listForUser(alice, null, 10);

        assertThat(all).extracting(e -> e.conversation().id()).containsExactly(withCarol, withBob, daves);
        assertThat(all).extracting(ConversationEntry::conversation)
                .containsExactly(conversations.find(withCarol).orElseThrow(), conversations.find(withBob).orElseThrow(),
                        conversations.find(daves).orElseThrow());
        assertThat(all).extracting(ConversationEntry::self).containsExactly(
                conversations.member(withCarol, alice).orElseThrow(),
                conversations.member(withBob, alice).orElseThrow(),
                conversations.member(daves, alice).orElseThrow());
        assertThat(all.get(2).self().role()).isEqualTo(Role.MEMBER);

        List<ConversationEntry> first = conversations.listForUser(alice, null, 2);
        assertThat(first).extracting(e -> e.conversation().id()).containsExactly(withCarol, withBob);
        List<ConversationEntry> second = conversations.listForUser(alice, cursorAfter(first.getLast()), 2);
        assertThat(second).extracting(e -> e.conversation().id()).containsExactly(daves);
        assertThat(conversations.listForUser(alice, cursorAfter(second.getLast()), 2)).isEmpty();
        assertThat(conversations.listForUser(newUser("erin"), null, 10)).isEmpty();
    }

    @Test
    public void listForUserBreaksTiesByIdDescending() {
        UserId alice = newUser("alice");
        List<ConversationId> sameMoment = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sameMoment.add(conversations.openDirect(new ConversationId(ids.next()), alice, newUser("peer" + i), T0 - 1)
                    .id());
        }
        List<ConversationId> expected = sameMoment.stream()
                .sorted((x, y) -> Long.compare(y.value(), x.value())).toList();

        assertThat(conversations.listForUser(alice, null, 10)).extracting(e -> e.conversation().id())
                .containsExactlyElementsOf(expected);
        List<ConversationEntry> page = conversations.listForUser(alice, null, 1);
        List<ConversationId> paged = new ArrayList<>();
        while (!page.isEmpty()) {
            assertThat(page).hasSize(1);
            paged.add(page.getFirst().conversation().id());
            page = conversations.listForUser(alice, cursorAfter(page.getFirst()), 1);
        }
        assertThat(paged).containsExactlyElementsOf(expected);
    }

    @Test
    public void contactsAmongKeepsThoseSharingACurrentConversation() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        UserId dave = newUser("dave");
        UserId erin = newUser("erin");
        UserId ghost = new UserId(ids.next());
        direct(alice, bob);
        ConversationId g = group(alice, carol, dave);
        appended(change(g, alice, new MembershipChange.Remove(dave)));

        assertThat(conversations.contactsAmong(alice, List.of(bob, carol, dave, erin, alice, ghost)))
                .containsExactlyInAnyOrder(bob, carol);
        assertThat(conversations.contactsAmong(bob, List.of(alice, carol))).containsExactly(alice);
        assertThat(conversations.contactsAmong(dave, List.of(alice, carol))).as("a former member").isEmpty();
        assertThat(conversations.contactsAmong(erin, List.of(alice, bob))).isEmpty();
        assertThat(conversations.contactsAmong(alice, List.of())).isEmpty();
    }

    @Test
    public void countUnreadCountsOtherMembersTextsInTheRange() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        ConversationId g = group(alice, bob, carol);
        assertThat(text(g, bob, "2").seq()).isEqualTo(2);
        text(g, alice, "3");
        text(g, carol, "4");
        appended(change(g, alice, new MembershipChange.Rename("5")));
        text(g, bob, "6");
        assertThat(text(g, bob, "7").seq()).isEqualTo(7);

        assertThat(messages.countUnread(g, alice, 0, MAX, 100)).as("texts by others only").isEqualTo(4);
        assertThat(messages.countUnread(g, alice, 4, MAX, 100)).isEqualTo(2);
        assertThat(messages.countUnread(g, alice, 0, 4, 100)).isEqualTo(2);
        assertThat(messages.countUnread(g, alice, 0, MAX, 3)).as("capped").isEqualTo(3);
        assertThat(messages.countUnread(g, bob, 0, MAX, 100)).isEqualTo(2);
        assertThat(messages.countUnread(g, bob, 7, MAX, 100)).isZero();
        assertThat(messages.countUnread(new ConversationId(ids.next()), alice, 0, MAX, 100)).isZero();
    }


    // ------------------------------------------------------------------------------------------
    // A user with many conversations

    @Test
    public void listForUserPagesThroughManyConversations() {
        UserId alice = newUser("alice");
        List<ConversationId> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            all.add(direct(alice, newUser("peer" + i)));
            all.add(group(newUser("owner" + i), alice));
        }
        List<ConversationId> expected = new ArrayList<>();
        // Activity in a shuffled but fixed order, some at the same moment.
        for (int i = 0; i < all.size(); i++) {
            ConversationId c = all.get((i * 7) % all.size());
            UserId sender = conversations.membership(c).orElseThrow().members().iterator().next();
            appended(append(AppendRequest.text(c, sender, device(sender), null, "m", T0 + 10_000 + i / 3)));
            expected.add(c);
        }
        expected.sort((x, y) -> {
            long ax = conversations.find(x).orElseThrow().lastActivityAt();
            long ay = conversations.find(y).orElseThrow().lastActivityAt();
            return ax != ay ? Long.compare(ay, ax) : Long.compare(y.value(), x.value());
        });

        assertThat(conversations.listForUser(alice, null, 100)).extracting(e -> e.conversation().id())
                .containsExactlyElementsOf(expected);
        List<ConversationId> paged = new ArrayList<>();
        List<ConversationEntry> page = conversations.listForUser(alice, null, 5);
        while (!page.isEmpty()) {
            assertThat(page.size()).isLessThanOrEqualTo(5);
            page.forEach(e -> paged.add(e.conversation().id()));
            page = conversations.listForUser(alice, cursorAfter(page.getLast()), 5);
        }
        assertThat(paged).containsExactlyElementsOf(expected);
        assertThat(conversations.conversationsOf(alice)).extracting(UserConversation::conversationId)
                .containsExactlyInAnyOrderElementsOf(all);
    }

    @Test
    public void contactsAmongFindsContactsInManyConversations() {
        UserId alice = newUser("alice");
        List<UserId> contacts = new ArrayList<>();
        List<UserId> strangers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            UserId peer = newUser("peer" + i);
            contacts.add(peer);
            if (i % 2 == 0) {
                direct(alice, peer);
            } else {
                group(peer, alice);
            }
            UserId stranger = newUser("stranger" + i);
            strangers.add(stranger);
            direct(stranger, peer);
        }
        List<UserId> asked = new ArrayList<>(contacts);
        asked.addAll(strangers);

        assertThat(conversations.contactsAmong(alice, asked)).containsExactlyInAnyOrderElementsOf(contacts);
        assertThat(conversations.contactsAmong(strangers.getFirst(), asked)).containsExactly(contacts.getFirst());
    }
}
