package dev.parley.core.push;

import dev.parley.core.account.DeviceId;
import dev.parley.core.account.UserId;
import dev.parley.core.conversation.ConversationId;
import dev.parley.core.memory.MemoryPushTargets;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The push intake's memory of targets and mutes: read once, dropped by every change made here or
 * announced from elsewhere, and never keeping what a load read while a change went by.
 */
class RememberedPushTargetsTest {
    private final UserId alice = new UserId(1);
    private final UserId bob = new UserId(2);
    private final DeviceId phone = new DeviceId(10);
    private final DeviceId tablet = new DeviceId(11);
    private final ConversationId chat = new ConversationId(100);
    private final AtomicInteger reads = new AtomicInteger();
    /** Runs inside the store's read, to stand for a change that lands while a load is in flight. */
    private Runnable duringRead = () -> { };
    private final MemoryPushTargets memory = new MemoryPushTargets() {
        @Override
        public synchronized Map<UserId, Map<DeviceId, PushTarget>> targets(Collection<UserId> users) {
            reads.incrementAndGet();
            Map<UserId, Map<DeviceId, PushTarget>> out = super.targets(users);
            duringRead.run();
            return out;
        }

        @Override
        public synchronized Set<UserId> mutedIn(ConversationId conversation) {
            reads.incrementAndGet();
            return super.mutedIn(conversation);
        }
    };
    private final RememberedPushTargets remembered = new RememberedPushTargets(memory, 1_000);
    private final List<Object> announced = new ArrayList<>();

    {
        remembered.onChange(announced::add, announced::add);
    }

    private static PushTarget fcm(String token) {
        return new PushTarget.Fcm(token);
    }

    @Test
    void usersWithoutTargetsAreReadOnceThenAnsweredFromMemory() {
        assertThat(remembered.targets(List.of(alice, bob))).isEmpty();
        assertThat(remembered.targets(List.of(alice, bob))).isEmpty();
        assertThat(remembered.targets(List.of(bob))).isEmpty();
        assertThat(reads).hasValue(1);
    }

    @Test
    void onlyAUserReadWithoutTargetsSinceTheLastChangeIsKnownToHaveNone() {
        assertThat(remembered.knownWithoutTargets(alice)).isFalse(); // never read
        remembered.targets(List.of(alice, bob));
        assertThat(remembered.knownWithoutTargets(alice)).isTrue();
        remembered.setTarget(alice, phone, fcm("a"), 0);
        assertThat(remembered.knownWithoutTargets(alice)).isFalse(); // dropped by the change
        remembered.targets(List.of(alice));
        assertThat(remembered.knownWithoutTargets(alice)).isFalse(); // has one
        remembered.targetsChangedElsewhere(bob);
        assertThat(remembered.knownWithoutTargets(bob)).isFalse();
    }

    @Test
    void aTargetSetHereIsSeenAtOnceAndAnnounced() {
        assertThat(remembered.targets(List.of(alice))).isEmpty();
        remembered.setTarget(alice, phone, fcm("a"), 0);
        assertThat(remembered.targets(List.of(alice))).isEqualTo(Map.of(alice, Map.of(phone, fcm("a"))));
        assertThat(announced).containsExactly(alice);

        remembered.setTarget(alice, tablet, fcm("b"), 0);
        remembered.removeTarget(alice, phone);
        assertThat(remembered.targets(List.of(alice))).isEqualTo(Map.of(alice, Map.of(tablet, fcm("b"))));
        remembered.removeTargets(alice);
        assertThat(remembered.targets(List.of(alice))).isEmpty();
        assertThat(announced).containsExactly(alice, alice, alice, alice);
    }

    @Test
    void aChangeAnnouncedByAnotherNodeDropsWhatWasRemembered() {
        assertThat(remembered.targets(List.of(bob))).isEmpty();
        memory.setTarget(bob, phone, fcm("b"), 0); // written by another node, straight to the store
        assertThat(remembered.targets(List.of(bob))).isEmpty(); // not heard of yet
        remembered.targetsChangedElsewhere(bob);
        assertThat(remembered.targets(List.of(bob))).containsKey(bob);
        assertThat(announced).isEmpty();
    }

    @Test
    void aLoadThatAChangeOvertookIsNotRemembered() {
        duringRead = () -> {
            duringRead = () -> { };
            memory.setTarget(alice, phone, fcm("a"), 0);
            remembered.targetsChangedElsewhere(alice);
        };
        assertThat(remembered.targets(List.of(alice))).isEmpty(); // what the load read
        assertThat(remembered.targets(List.of(alice))).containsKey(alice); // read again, not the stale answer
        assertThat(reads).hasValue(2);
    }

    @Test
    void mutesAreRememberedUntilTheyChangeHereOrElsewhere() {
        assertThat(remembered.mutedIn(chat)).isEmpty();
        assertThat(remembered.mutedIn(chat)).isEmpty();
        assertThat(reads).hasValue(1);
        remembered.setMuted(chat, bob, true);
        assertThat(remembered.mutedIn(chat)).containsExactly(bob);
        assertThat(announced).containsExactly(chat);
        memory.setMuted(chat, alice, true);
        remembered.mutesChangedElsewhere(chat);
        assertThat(remembered.mutedIn(chat)).containsExactlyInAnyOrder(alice, bob);
    }

    @Test
    void memoryIsBounded() {
        RememberedPushTargets small = new RememberedPushTargets(memory, 10);
        for (int i = 0; i < 100; i++) {
            small.targets(List.of(new UserId(1_000 + i)));
        }
        int before = reads.get();
        for (int i = 0; i < 100; i++) {
            small.targets(List.of(new UserId(1_000 + i)));
        }
        assertThat(reads.get() - before).isGreaterThan(80); // most were forgotten
    }
}
