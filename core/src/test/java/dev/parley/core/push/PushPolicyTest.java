package dev.parley.core.push;

import dev.parley.core.account.Caller;
import dev.parley.core.account.DeviceId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.memory.ChatWorld;
import dev.parley.core.memory.MemoryPushTargets;
import dev.parley.core.message.Message;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Who is pushed: members other than the sender, with a target, not muted, not connected; text only. */
class PushPolicyTest {
    private final ChatWorld world = new ChatWorld();
    private final MemoryPushTargets store = new MemoryPushTargets();
    private final Set<DeviceId> connected = new HashSet<>();
    private final PushPolicy policy = new PushPolicy(store, (user, device) -> connected.contains(device));
    private final Caller alice = world.user("alice");
    private final Caller bob = world.user("bob");
    private final Caller bobsTablet = world.otherDevice(bob);
    private final Caller carol = world.user("carol");
    private final ConversationId group = world.group(alice, bob, carol);

    private void target(Caller device) {
        store.setTarget(device.userId(), device.deviceId(), new PushTarget.Fcm("token-" + device.deviceId().value()), 0);
    }

    private Map<PushKey, Long> recipients(Message m) {
        return policy.recipients(m, world.memberships.getNow(group).members());
    }

    private PushKey key(Caller device) {
        return new PushKey(device.userId(), device.deviceId(), group);
    }

    @Test
    void everyDeviceWithATargetOfEveryOtherMemberIsPushedAtTheEntrysSeq() {
        target(alice);
        target(bob);
        target(bobsTablet);
        target(carol);
        Message m = world.say(alice, group, "hi");
        assertThat(recipients(m)).containsExactlyInAnyOrderEntriesOf(Map.of(
                key(bob), m.seq(), key(bobsTablet), m.seq(), key(carol), m.seq()));
    }

    @Test
    void connectedDevicesMutedMembersAndMembersWithoutTargetsAreNotPushed() {
        target(bob);
        target(bobsTablet);
        connected.add(bob.deviceId());
        store.setMuted(group, carol.userId(), true);
        target(carol);
        Message m = world.say(alice, group, "hi");
        assertThat(recipients(m)).containsOnlyKeys(key(bobsTablet));

        PushKey tablet = key(bobsTablet);
        assertThat(policy.stillWanted(tablet)).isTrue();
        connected.add(bobsTablet.deviceId());
        assertThat(policy.stillWanted(tablet)).isFalse();
    }

    @Test
    void membershipEntriesNeverPush() {
        target(bob);
        Message renamed = world.groups.rename(alice, group, "new name");
        assertThat(PushPolicy.pushes(renamed)).isFalse();
        assertThat(recipients(renamed)).isEmpty();
        Message added = world.groups.addMembers(alice, group, List.of(world.user("dave").userId()));
        assertThat(policy.recipients(added, Set.of(bob.userId()))).isEmpty();
    }

    @Test
    void anEntryGoesToTheIntakeUnlessEveryOtherMemberIsKnownToHaveNoTarget() {
        RememberedPushTargets remembered = new RememberedPushTargets(store, 1_000);
        PushPolicy fromMemory = new PushPolicy(remembered, (user, device) -> false);
        Set<dev.parley.core.account.UserId> members = world.memberships.getNow(group).members();
        Message m = world.say(alice, group, "hi");
        assertThat(fromMemory.mayPush(m, members)).isTrue(); // nothing known yet: the intake reads

        remembered.targets(List.of(bob.userId(), carol.userId()));
        assertThat(fromMemory.mayPush(m, members)).isFalse(); // the sender's own targets do not count
        assertThat(fromMemory.recipients(m, members)).isEmpty();

        remembered.setTarget(carol.userId(), carol.deviceId(), new PushTarget.Fcm("token-c"), 0);
        assertThat(fromMemory.mayPush(m, members)).isTrue();
        assertThat(fromMemory.recipients(m, members)).containsOnlyKeys(key(carol));
        assertThat(policy.mayPush(m, members)).isTrue(); // a store that remembers nothing is never sure
        assertThat(fromMemory.mayPush(world.groups.rename(alice, group, "renamed"), members)).isFalse();
    }
}
