package dev.parley.testkit;

import dev.parley.core.ChatException.Refusal;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.Conversation;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.ConversationKind;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.conversation.Membership;
import dev.parley.core.conversation.Role;
import dev.parley.core.message.AppendRequest;
import dev.parley.core.message.AppendResult;
import dev.parley.core.message.MembershipChange;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Groups: the creation entry, adding and removing by role, leaving and the owner's succession,
 * renames, roles, the size limit under concurrency, and a membership that always matches the
 * entries that changed it.
 */
public abstract class GroupContract extends PositionsContract {
    // ------------------------------------------------------------------------------------------
    // Groups

    @Test
    public void createGroupStartsWithACreatedEntry() {
        UserId owner = newUser("owner");
        UserId m1 = newUser("m1");
        UserId m2 = newUser("m2");
        ConversationId g = new ConversationId(ids.next());
        long now = tick();

        AppendResult.Appended created = await(messages.createGroup(g, owner, device(owner), "Team", List.of(m1, m2), now));

        Message entry = created.message();
        assertThat(entry.conversationId()).isEqualTo(g);
        assertThat(entry.seq()).isEqualTo(1);
        assertThat(entry.kind()).isEqualTo(MessageKind.CREATED);
        assertThat(entry.senderId()).isEqualTo(owner);
        assertThat(entry.senderDeviceId()).isEqualTo(device(owner));
        assertThat(entry.title()).isEqualTo("Team");
        assertThat(entry.createdAt()).isEqualTo(now);
        assertThat(entry.userIds()).containsExactlyInAnyOrder(owner, m1, m2);
        assertThat(created.membership()).isEqualTo(new Membership(g, ConversationKind.GROUP,
                Map.of(owner, Role.OWNER, m1, Role.MEMBER, m2, Role.MEMBER), 1));
        assertStoreAgrees(created);

        assertThat(conversations.find(g)).contains(new Conversation(g, ConversationKind.GROUP, "Team", now, 1, now));
        assertThat(messages.range(g, 0, MAX, 100)).containsExactly(entry);
        assertThat(conversations.members(g)).containsExactlyInAnyOrder(
                new MemberState(owner, Role.OWNER, 1, 0, 0, 0),
                new MemberState(m1, Role.MEMBER, 1, 0, 0, 0),
                new MemberState(m2, Role.MEMBER, 1, 0, 0, 0));
        assertThat(text(g, m2, "hello team").seq()).isEqualTo(2);
    }

    @Test
    public void ownerAndAdminMayAddMembersButAMemberMayNot() {
        UserId owner = newUser("owner");
        UserId admin = newUser("admin");
        UserId member = newUser("member");
        UserId u1 = newUser("u1");
        UserId u2 = newUser("u2");
        UserId u3 = newUser("u3");
        ConversationId g = group(owner, admin, member);
        promote(g, owner, admin);

        AppendResult.Appended byOwner = appended(change(g, owner, new MembershipChange.Add(List.of(u1), Role.MEMBER, 100)));
        assertThat(byOwner.message().kind()).isEqualTo(MessageKind.MEMBERS_ADDED);
        assertThat(byOwner.message().userIds()).containsExactly(u1);
        assertThat(byOwner.message().senderId()).isEqualTo(owner);
        assertThat(byOwner.membership().roles()).containsEntry(u1, Role.MEMBER).hasSize(4);
        assertStoreAgrees(byOwner);
        assertThat(conversations.member(g, u1)).contains(new MemberState(u1, Role.MEMBER, byOwner.message().seq(), 0, 0, 0));

        AppendResult.Appended byAdmin = appended(change(g, admin, new MembershipChange.Add(List.of(u2), Role.MEMBER, 100)));
        assertThat(byAdmin.message().seq()).isEqualTo(byOwner.message().seq() + 1);
        assertThat(byAdmin.message().userIds()).containsExactly(u2);
        assertThat(byAdmin.membership().roles()).isEqualTo(Map.of(owner, Role.OWNER, admin, Role.ADMIN,
                member, Role.MEMBER, u1, Role.MEMBER, u2, Role.MEMBER));
        assertStoreAgrees(byAdmin);

        long lastSeq = lastSeq(g);
        assertRefused(change(g, member, new MembershipChange.Add(List.of(u3), Role.MEMBER, 100)), Refusal.FORBIDDEN);
        assertThat(lastSeq(g)).isEqualTo(lastSeq);
        assertThat(conversations.member(g, u3)).isEmpty();
        assertThat(conversations.membership(g)).hasValueSatisfying(m -> {
            assertThat(m.isMember(u3)).isFalse();
            assertThat(m.version()).isEqualTo(byAdmin.message().seq());
        });
    }

    @Test
    public void addingSeveralMembersRecordsThemInOneEntry() {
        UserId owner = newUser("owner");
        UserId u1 = newUser("u1");
        UserId u2 = newUser("u2");
        ConversationId g = group(owner);

        AppendResult.Appended added = appended(change(g, owner, new MembershipChange.Add(List.of(u1, u2), Role.MEMBER, 10)));

        assertThat(added.message().seq()).isEqualTo(2);
        assertThat(added.message().userIds()).containsExactlyInAnyOrder(u1, u2);
        assertThat(added.message().role()).isEqualTo(Role.MEMBER);
        assertThat(messages.range(g, 1, 2, 10)).containsExactly(added.message());
        assertStoreAgrees(added);
    }

    @Test
    public void addBeyondTheMaximumSizeIsRefused() {
        UserId owner = newUser("owner");
        UserId m1 = newUser("m1");
        UserId u1 = newUser("u1");
        UserId u2 = newUser("u2");
        ConversationId g = group(owner, m1);

        assertRefused(change(g, owner, new MembershipChange.Add(List.of(u1, u2), Role.MEMBER, 3)), Refusal.GROUP_FULL);
        assertThat(lastSeq(g)).isEqualTo(1);
        assertThat(conversations.membership(g)).hasValueSatisfying(m -> assertThat(m.size()).isEqualTo(2));

        AppendResult.Appended upToTheLimit = appended(change(g, owner, new MembershipChange.Add(List.of(u1), Role.MEMBER, 3)));
        assertThat(upToTheLimit.membership().size()).isEqualTo(3);
        assertStoreAgrees(upToTheLimit);

        assertRefused(change(g, owner, new MembershipChange.Add(List.of(u2), Role.MEMBER, 3)), Refusal.GROUP_FULL);
        assertThat(conversations.member(g, u2)).isEmpty();
    }

    @Test
    public void addingOnlyExistingMembersConflicts() {
        UserId owner = newUser("owner");
        UserId m1 = newUser("m1");
        UserId u1 = newUser("u1");
        ConversationId g = group(owner, m1);

        assertRefused(change(g, owner, new MembershipChange.Add(List.of(m1), Role.MEMBER, 100)), Refusal.CONFLICT);
        assertRefused(change(g, owner, new MembershipChange.Add(List.of(m1, owner), Role.MEMBER, 100)), Refusal.CONFLICT);
        assertThat(lastSeq(g)).isEqualTo(1);

        AppendResult.Appended mixed = appended(change(g, owner, new MembershipChange.Add(List.of(m1, u1), Role.MEMBER, 100)));
        assertThat(mixed.message().userIds()).as("only the users actually added").containsExactly(u1);
        assertThat(conversations.member(g, m1)).hasValueSatisfying(s -> assertThat(s.joinedSeq()).isEqualTo(1));
        assertStoreAgrees(mixed);
    }

    @Test
    public void removeFollowsTheRoles() {
        UserId owner = newUser("owner");
        UserId admin = newUser("admin");
        UserId admin2 = newUser("admin2");
        UserId member = newUser("member");
        UserId member2 = newUser("member2");
        ConversationId g = group(owner, admin, admin2, member, member2);
        promote(g, owner, admin);
        promote(g, owner, admin2);
        long before = lastSeq(g);

        assertRefused(change(g, member, new MembershipChange.Remove(admin)), Refusal.FORBIDDEN);
        assertRefused(change(g, member, new MembershipChange.Remove(member2)), Refusal.FORBIDDEN);
        assertRefused(change(g, admin, new MembershipChange.Remove(admin2)), Refusal.FORBIDDEN);
        assertRefused(change(g, admin, new MembershipChange.Remove(owner)), Refusal.FORBIDDEN);
        assertThat(lastSeq(g)).isEqualTo(before);
        assertThat(conversations.membership(g)).hasValueSatisfying(m -> assertThat(m.size()).isEqualTo(5));

        AppendResult.Appended byAdmin = appended(change(g, admin, new MembershipChange.Remove(member)));
        assertThat(byAdmin.message().kind()).isEqualTo(MessageKind.MEMBER_REMOVED);
        assertThat(byAdmin.message().userIds()).containsExactly(member);
        assertThat(byAdmin.membership().isMember(member)).isFalse();
        assertStoreAgrees(byAdmin);

        AppendResult.Appended byOwner = appended(change(g, owner, new MembershipChange.Remove(admin2)));
        assertThat(byOwner.message().userIds()).containsExactly(admin2);
        assertThat(byOwner.membership().roles()).isEqualTo(Map.of(owner, Role.OWNER, admin, Role.ADMIN,
                member2, Role.MEMBER));
        assertStoreAgrees(byOwner);
    }

    @Test
    public void removedMemberKeepsTheirPastAndLosesTheFuture() {
        UserId owner = newUser("owner");
        UserId member = newUser("member");
        UserId other = newUser("other");
        ConversationId g = group(owner, member, other);
        text(g, member, "before");

        AppendResult.Appended removal = appended(change(g, owner, new MembershipChange.Remove(member)));
        long removedAt = removal.message().seq();

        assertThat(conversations.member(g, member)).hasValueSatisfying(s -> {
            assertThat(s.leftSeq()).isEqualTo(removedAt);
            assertThat(s.joinedSeq()).isEqualTo(1);
            assertThat(s.current()).isFalse();
        });
        assertThat(conversations.members(g)).extracting(MemberState::userId).containsExactlyInAnyOrder(owner, other);
        assertThat(conversations.membership(g)).hasValueSatisfying(m -> assertThat(m.isMember(member)).isFalse());

        assertThat(append(AppendRequest.text(g, member, device(member), "m-2", "after", tick())))
                .isInstanceOf(AppendResult.NotMember.class);
        assertThat(change(g, member, new MembershipChange.Leave())).isInstanceOf(AppendResult.NotMember.class);
        assertThat(advance(g, member, removedAt, removedAt)).isEmpty();
        assertThat(lastSeq(g)).isEqualTo(removedAt);
        assertRefused(change(g, owner, new MembershipChange.Remove(member)), Refusal.NOT_FOUND);
    }

    @Test
    public void memberLeavingIsRecordedAlone() {
        UserId owner = newUser("owner");
        UserId member = newUser("member");
        UserId other = newUser("other");
        ConversationId g = group(owner, member, other);

        AppendResult.Appended left = appended(change(g, member, new MembershipChange.Leave()));

        assertThat(left.message().kind()).isEqualTo(MessageKind.MEMBER_LEFT);
        assertThat(left.message().senderId()).isEqualTo(member);
        assertThat(left.message().userIds()).containsExactly(member);
        assertThat(left.membership().roles()).isEqualTo(Map.of(owner, Role.OWNER, other, Role.MEMBER));
        assertStoreAgrees(left);
        assertThat(conversations.member(g, member))
                .hasValueSatisfying(s -> assertThat(s.leftSeq()).isEqualTo(left.message().seq()));
    }

    @Test
    public void leavingOwnerHandsOverToTheLongestStandingAdmin() {
        UserId owner = newUser("owner");
        UserId member = newUser("member");
        UserId early = newUser("early");
        UserId late = newUser("late");
        ConversationId g = group(owner, member);
        appended(change(g, owner, new MembershipChange.Add(List.of(early), Role.MEMBER, 100)));
        appended(change(g, owner, new MembershipChange.Add(List.of(late), Role.MEMBER, 100)));
        // Appointed in the opposite order to their joining: standing counts from joining.
        promote(g, owner, late);
        promote(g, owner, early);

        AppendResult.Appended left = appended(change(g, owner, new MembershipChange.Leave()));

        assertThat(left.message().kind()).isEqualTo(MessageKind.MEMBER_LEFT);
        assertThat(left.message().userIds()).containsExactly(owner, early);
        assertThat(left.membership().roles()).isEqualTo(Map.of(early, Role.OWNER, late, Role.ADMIN,
                member, Role.MEMBER));
        assertStoreAgrees(left);
        assertThat(conversations.member(g, early)).hasValueSatisfying(s -> assertThat(s.role()).isEqualTo(Role.OWNER));
        assertThat(conversations.member(g, owner))
                .hasValueSatisfying(s -> assertThat(s.leftSeq()).isEqualTo(left.message().seq()));

        assertThat(appended(change(g, early, new MembershipChange.Remove(late))).membership().roles())
                .as("the new owner holds the owner's rights").doesNotContainKey(late);
    }

    @Test
    public void leavingOwnerWithoutAdminsHandsOverToTheLongestStandingMember() {
        UserId owner = newUser("owner");
        UserId first = newUser("first");
        UserId second = newUser("second");
        UserId third = newUser("third");
        ConversationId g = group(owner, first);
        appended(change(g, owner, new MembershipChange.Add(List.of(second), Role.MEMBER, 100)));
        appended(change(g, owner, new MembershipChange.Add(List.of(third), Role.MEMBER, 100)));

        AppendResult.Appended left = appended(change(g, owner, new MembershipChange.Leave()));

        assertThat(left.message().userIds()).containsExactly(owner, first);
        assertThat(left.membership().roles()).isEqualTo(Map.of(first, Role.OWNER, second, Role.MEMBER,
                third, Role.MEMBER));
        assertStoreAgrees(left);
    }

    @Test
    public void lastOwnerLeavingAloneEmptiesTheGroup() {
        UserId owner = newUser("owner");
        ConversationId g = group(owner);

        AppendResult.Appended left = appended(change(g, owner, new MembershipChange.Leave()));

        assertThat(left.message().userIds()).containsExactly(owner);
        assertThat(left.membership().roles()).isEmpty();
        assertStoreAgrees(left);
        assertThat(conversations.members(g)).isEmpty();
    }

    @Test
    public void renameChangesTheTitle() {
        UserId owner = newUser("owner");
        UserId admin = newUser("admin");
        UserId member = newUser("member");
        ConversationId g = group(owner, admin, member);
        promote(g, owner, admin);
        Map<UserId, Role> roles = Map.of(owner, Role.OWNER, admin, Role.ADMIN, member, Role.MEMBER);

        AppendResult.Appended renamed = appended(change(g, admin, new MembershipChange.Rename("New name")));

        assertThat(renamed.message().kind()).isEqualTo(MessageKind.RENAMED);
        assertThat(renamed.message().title()).isEqualTo("New name");
        assertThat(renamed.message().senderId()).isEqualTo(admin);
        assertThat(renamed.membership().roles()).isEqualTo(roles);
        assertThat(renamed.membership().version()).isEqualTo(renamed.message().seq());
        assertThat(conversations.find(g)).hasValueSatisfying(conv -> {
            assertThat(conv.title()).isEqualTo("New name");
            assertThat(conv.lastSeq()).isEqualTo(renamed.message().seq());
        });
        assertThat(messages.range(g, renamed.message().seq() - 1, MAX, 10)).containsExactly(renamed.message());
        assertThat(conversations.membership(g)).hasValueSatisfying(m -> assertThat(m.roles()).isEqualTo(roles));

        assertRefused(change(g, member, new MembershipChange.Rename("Hijacked")), Refusal.FORBIDDEN);
        assertThat(conversations.find(g)).hasValueSatisfying(conv -> assertThat(conv.title()).isEqualTo("New name"));
    }

    @Test
    public void onlyTheOwnerMaySetRoles() {
        UserId owner = newUser("owner");
        UserId admin = newUser("admin");
        UserId member = newUser("member");
        ConversationId g = group(owner, admin, member);

        AppendResult.Appended promoted = appended(change(g, owner, new MembershipChange.SetRole(admin, Role.ADMIN)));

        assertThat(promoted.message().kind()).isEqualTo(MessageKind.ROLE_CHANGED);
        assertThat(promoted.message().userIds()).containsExactly(admin);
        assertThat(promoted.message().role()).isEqualTo(Role.ADMIN);
        assertThat(promoted.membership().roles()).containsEntry(admin, Role.ADMIN);
        assertThat(promoted.membership().version()).isEqualTo(promoted.message().seq());
        assertThat(conversations.member(g, admin)).hasValueSatisfying(s -> assertThat(s.role()).isEqualTo(Role.ADMIN));
        assertThat(conversations.membership(g)).hasValueSatisfying(m ->
                assertThat(m.roles()).isEqualTo(promoted.membership().roles()));
        long seq = lastSeq(g);

        assertRefused(change(g, admin, new MembershipChange.SetRole(member, Role.ADMIN)), Refusal.FORBIDDEN);
        assertRefused(change(g, member, new MembershipChange.SetRole(member, Role.ADMIN)), Refusal.FORBIDDEN);
        assertRefused(change(g, owner, new MembershipChange.SetRole(member, Role.OWNER)), Refusal.FORBIDDEN);
        assertThat(lastSeq(g)).isEqualTo(seq);
        assertThat(conversations.member(g, member)).hasValueSatisfying(s -> assertThat(s.role()).isEqualTo(Role.MEMBER));

        AppendResult.Appended demoted = appended(change(g, owner, new MembershipChange.SetRole(admin, Role.MEMBER)));
        assertThat(demoted.membership().roles()).containsEntry(admin, Role.MEMBER);
        assertThat(conversations.member(g, admin)).hasValueSatisfying(s -> assertThat(s.role()).isEqualTo(Role.MEMBER));
    }

    @Test
    public void membershipFromTheStoreMatchesEveryAppendedChange() {
        UserId owner = newUser("owner");
        UserId a = newUser("a");
        UserId b = newUser("b");
        UserId c = newUser("c");
        ConversationId g = new ConversationId(ids.next());
        List<AppendResult.Appended> steps = new ArrayList<>();

        steps.add(await(messages.createGroup(g, owner, device(owner), "T", List.of(a, b), tick())));
        assertStoreAgrees(steps.getLast());
        for (MembershipChange step : List.of(
                new MembershipChange.SetRole(a, Role.ADMIN),
                new MembershipChange.Add(List.of(c), Role.MEMBER, 100),
                new MembershipChange.Rename("T2"),
                new MembershipChange.Remove(b),
                new MembershipChange.SetRole(c, Role.ADMIN),
                new MembershipChange.Leave())) {
            AppendResult.Appended appended = appended(change(g, owner, step));
            assertThat(appended.membership().version()).as("version after %s", step).isEqualTo(appended.message().seq());
            assertThat(conversations.membership(g)).as("store's membership after %s", step)
                    .contains(appended.membership());
            steps.add(appended);
        }
        assertThat(steps).extracting(s -> s.message().seq()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    }

    @Test
    public void groupChangesOnADirectConversationAreInvalid() {
        UserId alice = newUser("alice");
        UserId bob = newUser("bob");
        UserId carol = newUser("carol");
        ConversationId c = direct(alice, bob);
        text(c, alice, "hi");

        assertRefused(change(c, alice, new MembershipChange.Add(List.of(carol), Role.MEMBER, 100)), Refusal.INVALID);
        assertRefused(change(c, alice, new MembershipChange.Remove(bob)), Refusal.INVALID);
        assertRefused(change(c, alice, new MembershipChange.Leave()), Refusal.INVALID);
        assertRefused(change(c, bob, new MembershipChange.Rename("ours")), Refusal.INVALID);
        assertRefused(change(c, bob, new MembershipChange.SetRole(alice, Role.ADMIN)), Refusal.INVALID);

        assertThat(lastSeq(c)).isEqualTo(1);
        assertThat(conversations.find(c)).hasValueSatisfying(conv -> assertThat(conv.title()).isNull());
        assertThat(conversations.membership(c)).contains(
                new Membership(c, ConversationKind.DIRECT, Map.of(alice, Role.MEMBER, bob, Role.MEMBER), 0));
    }

    @Test
    public void groupChangesByOutsidersAreNotMember() {
        UserId owner = newUser("owner");
        UserId eve = newUser("eve");
        ConversationId g = group(owner);

        assertThat(change(g, eve, new MembershipChange.Add(List.of(eve), Role.MEMBER, 100)))
                .isInstanceOf(AppendResult.NotMember.class);
        assertThat(change(g, eve, new MembershipChange.Rename("mine"))).isInstanceOf(AppendResult.NotMember.class);
        assertThat(change(new ConversationId(ids.next()), owner, new MembershipChange.Rename("x")))
                .isInstanceOf(AppendResult.NotMember.class);
        assertThat(lastSeq(g)).isEqualTo(1);
    }

    @Test
    public void concurrentAddsNeverExceedTheMaximumSize() throws Exception {
        UserId owner = newUser("owner");
        ConversationId g = group(owner);
        List<UserId> candidates = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            candidates.add(newUser("u" + i));
        }
        int maxSize = 6;

        List<AppendResult> results = concurrently(16, t -> await(messages.append(changeRequest(g, owner,
                new MembershipChange.Add(List.of(candidates.get(t)), Role.MEMBER, maxSize)))));

        assertThat(results).filteredOn(r -> r instanceof AppendResult.Appended).hasSize(maxSize - 1);
        assertThat(results).filteredOn(r -> !(r instanceof AppendResult.Appended))
                .hasSize(16 - (maxSize - 1))
                .allSatisfy(r -> assertRefused(r, Refusal.GROUP_FULL));
        assertThat(conversations.membership(g)).hasValueSatisfying(m -> assertThat(m.size()).isEqualTo(maxSize));
        assertThat(seqs(messages.range(g, 0, MAX, 100))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }
}
