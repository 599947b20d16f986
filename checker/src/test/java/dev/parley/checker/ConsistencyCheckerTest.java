package dev.parley.checker;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ConsistencyCheckerTest {
    private static final long C = 100;
    private static final long ALICE = 1;
    private static final long BOB = 2;
    private final ConsistencyChecker checker = new ConsistencyChecker();

    private static HistoryEntry text(long seq, long sender, String clientId) {
        return new HistoryEntry(C, seq, sender, clientId, "text", "body-" + clientId);
    }

    private static Map<Long, Map<Long, Long>> bothSee() {
        return Map.of(C, Map.of(ALICE, Long.MAX_VALUE, BOB, Long.MAX_VALUE));
    }

    private static DeviceLog device(String name, long user, List<HistoryEntry> got) {
        DeviceLog d = new DeviceLog(name, user);
        got.forEach(d::received);
        return d;
    }

    @Test
    void aCleanRunIsConsistentAndCounted() {
        List<HistoryEntry> store = List.of(text(1, ALICE, "a1"), text(2, BOB, "b1"));
        DeviceLog a = device("alice", ALICE, store);
        a.attempted(C, "a1", "body-a1");
        a.confirmed("a1", 1);
        DeviceLog b = device("bob", BOB, store);
        b.attempted(C, "b1", "body-b1");
        b.confirmed("b1", 2);

        ConsistencyReport r = checker.check(List.of(a, b), Map.of(C, store), bothSee());

        assertThat(r.consistent()).as(r.summary()).isTrue();
        assertThat(r.confirmed()).isEqualTo(2);
        assertThat(r.entriesReceived()).isEqualTo(4);
        assertThat(r.summary()).contains("CONSISTENT");
    }

    @Test
    void findsALostConfirmedMessage() {
        List<HistoryEntry> store = List.of(text(1, BOB, "b1"));
        DeviceLog a = device("alice", ALICE, store);
        a.attempted(C, "a1", "body-a1");
        a.confirmed("a1", 2);

        ConsistencyReport r = checker.check(List.of(a), Map.of(C, store), Map.of(C, Map.of(ALICE, Long.MAX_VALUE)));

        assertThat(r.lostConfirmed()).isEqualTo(1);
        assertThat(r.consistent()).isFalse();
    }

    @Test
    void findsAClientIdStoredTwice() {
        List<HistoryEntry> store = List.of(text(1, ALICE, "a1"), text(2, ALICE, "a1"));
        ConsistencyReport r = checker.check(List.of(), Map.of(C, store), Map.of());
        assertThat(r.duplicateClientIds()).isEqualTo(1);
    }

    @Test
    void findsADeviceMissingAnEntryAndASkip() {
        List<HistoryEntry> store = List.of(text(1, ALICE, "a1"), text(2, ALICE, "a2"), text(3, ALICE, "a3"));
        DeviceLog b = device("bob", BOB, List.of(store.get(0), store.get(2)));

        ConsistencyReport r = checker.check(List.of(b), Map.of(C, store), bothSee());

        assertThat(r.divergentDevices()).isEqualTo(1);
        assertThat(r.orderViolations()).isEqualTo(1);
    }

    @Test
    void findsBackwardsAndRepeatedSeqs() {
        List<HistoryEntry> store = List.of(text(1, ALICE, "a1"), text(2, ALICE, "a2"));
        DeviceLog b = device("bob", BOB, List.of(store.get(0), store.get(1), store.get(1)));

        ConsistencyReport r = checker.check(List.of(b), Map.of(C, store), bothSee());

        assertThat(r.orderViolations()).isEqualTo(1);
        assertThat(r.divergentDevices()).isEqualTo(1);
    }

    @Test
    void findsARefusedMessageThatWasStoredAnyway() {
        List<HistoryEntry> store = List.of(text(1, ALICE, "a1"));
        DeviceLog a = device("alice", ALICE, store);
        a.attempted(C, "a1", "body-a1");
        a.refused("a1", "not_found");

        ConsistencyReport r = checker.check(List.of(a), Map.of(C, store), Map.of(C, Map.of(ALICE, Long.MAX_VALUE)));

        assertThat(r.refusedButStored()).isEqualTo(1);
    }

    @Test
    void findsTwoConfirmationsWithDifferentSeqs() {
        List<HistoryEntry> store = List.of(text(1, ALICE, "a1"));
        DeviceLog a = device("alice", ALICE, store);
        a.attempted(C, "a1", "body-a1");
        a.confirmed("a1", 1);
        a.confirmed("a1", 2);

        ConsistencyReport r = checker.check(List.of(a), Map.of(C, store), Map.of(C, Map.of(ALICE, Long.MAX_VALUE)));

        assertThat(r.confirmationMismatches()).isEqualTo(1);
    }

    @Test
    void aFormerMemberIsExpectedToHoldHistoryOnlyUpToTheirRemoval() {
        List<HistoryEntry> store = List.of(text(1, ALICE, "a1"), text(2, ALICE, "a2"), text(3, ALICE, "a3"));
        DeviceLog b = device("bob", BOB, store.subList(0, 2));

        ConsistencyReport r = checker.check(List.of(b), Map.of(C, store), Map.of(C, Map.of(BOB, 2L)));

        assertThat(r.consistent()).as(r.summary()).isTrue();
    }

    @Test
    void aResyncedConversationIsNotExpectedWhole() {
        List<HistoryEntry> store = List.of(text(1, ALICE, "a1"), text(2, ALICE, "a2"), text(3, ALICE, "a3"));
        DeviceLog b = device("bob", BOB, List.of());
        b.resynced(C, 2);
        b.received(store.get(2));

        ConsistencyReport r = checker.check(List.of(b), Map.of(C, store), bothSee());

        assertThat(r.consistent()).as(r.summary()).isTrue();
    }

    // ---- message actions --------------------------------------------------------------------

    private static final String THUMBS = "\uD83D\uDC4D";

    private static HistoryEntry action(long seq, long sender, String clientId, String kind, String body, long target) {
        return new HistoryEntry(C, seq, sender, clientId, kind, body, target, null);
    }

    private static HistoryEntry textAs(long seq, long sender, String clientId, String body, boolean edited,
                                       boolean deleted, Map<String, java.util.Set<Long>> reactions) {
        return new HistoryEntry(C, seq, sender, clientId, "text", body, 0,
                new HistoryEntry.MessageState(body, edited, deleted, reactions));
    }

    @Test
    void aDeviceThatAppliesEveryActionEndsWithTheStoresStateThoughItGotTheMessageBeforeThem() {
        HistoryEntry react = action(2, BOB, "b1", "reaction_added", THUMBS, 1);
        HistoryEntry edit = action(3, ALICE, "a2", "edited", null, 1);
        HistoryEntry delete = action(4, ALICE, "a3", "deleted", null, 1);
        List<HistoryEntry> store = List.of(textAs(1, ALICE, "a1", null, false, true, Map.of()), react, edit, delete);
        // Live, bob got the message as sent and each action as it came, the edit with its text.
        DeviceLog bob = device("bob", BOB, List.of(text(1, ALICE, "a1"), react,
                action(3, ALICE, "a2", "edited", "fixed", 1), delete));
        bob.attempted(C, "b1", THUMBS);
        bob.confirmed("b1", 2);
        DeviceLog alice = device("alice", ALICE, List.of(text(1, ALICE, "a1"), react,
                action(3, ALICE, "a2", "edited", "fixed", 1), delete));
        alice.attempted(C, "a1", "body-a1");
        alice.confirmed("a1", 1);
        alice.attempted(C, "a2", "fixed");
        alice.confirmed("a2", 3);

        ConsistencyReport r = checker.check(List.of(alice, bob), Map.of(C, store), bothSee());

        assertThat(r.consistent()).as(r.summary()).isTrue();
    }

    @Test
    void findsAMessageWhoseStoredStateMissesAnActionTheDevicesApplied() {
        HistoryEntry react = action(2, BOB, "b1", "reaction_added", THUMBS, 1);
        // The store kept the reaction's entry but not its effect on the message.
        List<HistoryEntry> store = List.of(textAs(1, ALICE, "a1", "body-a1", false, false, Map.of()), react);
        DeviceLog alice = device("alice", ALICE, List.of(text(1, ALICE, "a1"), react));

        ConsistencyReport r = checker.check(List.of(alice), Map.of(C, store), Map.of(C, Map.of(ALICE, Long.MAX_VALUE)));

        assertThat(r.staleMessageStates()).isEqualTo(1);
        assertThat(r.divergentDevices()).isEqualTo(1);
        assertThat(r.violations()).anyMatch(v -> v.contains("message 1"));
    }

    @Test
    void findsADeviceStillShowingTheTextOfADeletedMessage() {
        HistoryEntry delete = action(2, ALICE, "a2", "deleted", null, 1);
        List<HistoryEntry> store = List.of(textAs(1, ALICE, "a1", null, false, true, Map.of()), delete);
        // The device got the deletion aimed at another message: it still shows the text.
        DeviceLog bob = device("bob", BOB, List.of(text(1, ALICE, "a1"), action(2, ALICE, "a2", "deleted", null, 1)));
        DeviceLog stale = device("carol", BOB, List.of(text(1, ALICE, "a1")));

        ConsistencyReport fine = checker.check(List.of(bob), Map.of(C, store), bothSee());
        assertThat(fine.consistent()).as(fine.summary()).isTrue();
        ConsistencyReport r = checker.check(List.of(stale), Map.of(C, List.of(textAs(1, ALICE, "a1", null, false, true,
                Map.of()))), bothSee());
        assertThat(r.staleMessageStates()).isEqualTo(1);
    }
}
