package dev.parley.core.group;

import dev.parley.core.ChatException.Refusal;
import dev.parley.core.account.Caller;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.conversation.MemberState;
import dev.parley.core.conversation.Role;
import dev.parley.core.delivery.ChatEvent;
import dev.parley.core.memory.ChatWorld;
import dev.parley.core.memory.Refusals;
import dev.parley.core.message.Message;
import dev.parley.core.message.MessageKind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Groups and roles: every change is an entry of the group's history; who may do what. */
class GroupServiceTest {
    private final ChatWorld world = new ChatWorld();
    private final Caller owner = world.user("owner");
    private final Caller admin = world.user("admin");
    private final Caller member = world.user("member");
    private final Caller other = world.user("other");

    private Map<UserId, Role> roles(ConversationId group) {
        return world.stores.conversations().members(group).stream()
                .collect(Collectors.toMap(MemberState::userId, MemberState::role));
    }

    private ConversationId groupWithAnAdmin() {
        ConversationId group = world.group(owner, admin, member);
        world.groups.setRole(owner, group, admin.userId(), Role.ADMIN);
        return group;
    }

    @Test
    void aNewGroupStartsWithItsCreationEntryAtSeqOneHeardByEveryMember() {
        Message created = world.groups.create(owner, "  Climbing  ", List.of(admin.userId(), member.userId(), admin.userId()));
        assertThat(created.seq()).isEqualTo(1);
        assertThat(created.kind()).isEqualTo(MessageKind.CREATED);
        assertThat(created.title()).isEqualTo("Climbing");
        assertThat(created.userIds()).containsExactly(owner.userId(), admin.userId(), member.userId());
        assertThat(roles(created.conversationId())).containsExactlyInAnyOrderEntriesOf(Map.of(
                owner.userId(), Role.OWNER, admin.userId(), Role.MEMBER, member.userId(), Role.MEMBER));
        assertThat(world.events.audienceOfLast(ChatEvent.MessageAdded.class))
                .isEqualTo(Set.of(owner.userId(), admin.userId(), member.userId()));
    }

    @Test
    void aGroupNeedsATitleExistingUsersAndRoomForThem() {
        assertThat(Refusals.of(() -> world.groups.create(owner, "   ", List.of(member.userId())))).isEqualTo(Refusal.INVALID);
        assertThat(Refusals.of(() -> world.groups.create(owner, "x", List.of(new UserId(777)))))
                .isEqualTo(Refusal.NOT_FOUND);
        List<UserId> crowd = java.util.stream.IntStream.range(0, ChatWorld.MAX_GROUP)
                .mapToObj(i -> world.user("u" + i).userId()).toList();
        assertThat(Refusals.of(() -> world.groups.create(owner, "x", crowd))).isEqualTo(Refusal.GROUP_FULL);
        ConversationId full = world.groups.create(owner, "x", crowd.subList(0, ChatWorld.MAX_GROUP - 1)).conversationId();
        assertThat(Refusals.of(() -> world.groups.addMembers(owner, full, List.of(other.userId()))))
                .isEqualTo(Refusal.GROUP_FULL);
    }

    @Test
    void membersCannotManageMembersAndAdminsCannotRemoveTheirEqualsOrBetters() {
        ConversationId group = groupWithAnAdmin();
        Caller admin2 = world.user("admin2");
        world.groups.addMembers(owner, group, List.of(admin2.userId()));
        world.groups.setRole(owner, group, admin2.userId(), Role.ADMIN);

        assertThat(Refusals.of(() -> world.groups.addMembers(member, group, List.of(other.userId()))))
                .isEqualTo(Refusal.FORBIDDEN);
        assertThat(Refusals.of(() -> world.groups.removeMember(member, group, admin.userId()))).isEqualTo(Refusal.FORBIDDEN);
        assertThat(Refusals.of(() -> world.groups.removeMember(admin, group, admin2.userId()))).isEqualTo(Refusal.FORBIDDEN);
        assertThat(Refusals.of(() -> world.groups.removeMember(admin, group, owner.userId()))).isEqualTo(Refusal.FORBIDDEN);
        assertThat(Refusals.of(() -> world.groups.setRole(admin, group, member.userId(), Role.ADMIN)))
                .isEqualTo(Refusal.FORBIDDEN);
        assertThat(Refusals.of(() -> world.groups.rename(member, group, "mine now"))).isEqualTo(Refusal.FORBIDDEN);

        Message removed = world.groups.removeMember(admin, group, member.userId());
        assertThat(removed.kind()).isEqualTo(MessageKind.MEMBER_REMOVED);
        assertThat(roles(group)).doesNotContainKey(member.userId());
    }

    @Test
    void adminsAddMembersButOnlyTheOwnerAddsAdminsAndNobodyMakesAnOwner() {
        ConversationId group = groupWithAnAdmin();
        Message added = world.groups.addMembers(admin, group, List.of(other.userId()));
        assertThat(added.userIds()).containsExactly(other.userId());
        assertThat(added.role()).isEqualTo(Role.MEMBER);
        assertThat(Refusals.of(() -> world.groups.addMembers(admin, group, List.of(other.userId()))))
                .isEqualTo(Refusal.CONFLICT);
        assertThat(Refusals.of(() -> world.groups.setRole(owner, group, member.userId(), Role.OWNER)))
                .isEqualTo(Refusal.INVALID);
    }

    @Test
    void whenTheOwnerLeavesTheLongestStandingAdminTakesOverElseTheLongestStandingMember() {
        ConversationId group = groupWithAnAdmin();
        Message left = world.groups.leave(owner, group);
        assertThat(left.userIds()).containsExactly(owner.userId(), admin.userId());
        assertThat(roles(group)).containsEntry(admin.userId(), Role.OWNER).doesNotContainKey(owner.userId());

        world.groups.leave(admin, group);
        assertThat(roles(group)).containsExactly(Map.entry(member.userId(), Role.OWNER));
    }

    @Test
    void whoLeavesOrIsRemovedHearsOfItAndOfNothingAfter() {
        ConversationId group = groupWithAnAdmin();
        world.groups.removeMember(owner, group, member.userId());
        assertThat(world.events.audienceOfLast(ChatEvent.MessageAdded.class))
                .contains(member.userId(), owner.userId(), admin.userId());
        world.groups.rename(owner, group, "renamed");
        assertThat(world.events.audienceOfLast(ChatEvent.MessageAdded.class))
                .isEqualTo(Set.of(owner.userId(), admin.userId()));
        assertThat(world.stores.conversations().find(group).orElseThrow().title()).isEqualTo("renamed");
    }

    @Test
    void aDirectConversationsMembersNeverChange() {
        ConversationId direct = world.direct(owner, member);
        assertThat(Refusals.of(() -> world.groups.addMembers(owner, direct, List.of(other.userId()))))
                .isEqualTo(Refusal.INVALID);
        assertThat(Refusals.of(() -> world.groups.leave(owner, direct))).isEqualTo(Refusal.INVALID);
    }

    @Test
    void everyChangeIsAnEntryAtTheNextSeqOfTheGroupsOneOrder() {
        ConversationId group = groupWithAnAdmin();
        world.say(member, group, "hello");
        world.groups.rename(admin, group, "new title");
        world.groups.addMembers(owner, group, List.of(other.userId()));
        assertThat(world.all(owner, group)).extracting(Message::seq, Message::kind).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1L, MessageKind.CREATED),
                org.assertj.core.groups.Tuple.tuple(2L, MessageKind.ROLE_CHANGED),
                org.assertj.core.groups.Tuple.tuple(3L, MessageKind.TEXT),
                org.assertj.core.groups.Tuple.tuple(4L, MessageKind.RENAMED),
                org.assertj.core.groups.Tuple.tuple(5L, MessageKind.MEMBERS_ADDED));
        // The newcomer sees the group from the entry that added them.
        assertThat(world.stores.conversations().member(group, other.userId()).orElseThrow().joinedSeq()).isEqualTo(5);
    }
}
