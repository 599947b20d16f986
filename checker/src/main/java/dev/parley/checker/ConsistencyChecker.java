package dev.parley.checker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the guarantees of "the same history on every device" against what devices recorded and
 * what the store holds at the end of a run, after every device has caught up:
 * <ol>
 *   <li>no confirmed message is lost: each confirmation's seq holds that client id in the store;</li>
 *   <li>no client id is stored twice (per conversation and sender);</li>
 *   <li>every member device holds exactly the store's sequence of each of its conversations, from
 *       seq 1 with no gaps (a device told to resync a conversation is exempt for that one);</li>
 *   <li>no device ever saw a seq go backwards, repeat or skip;</li>
 *   <li>no message that got a definite refusal appears anyway;</li>
 *   <li>a client id confirmed twice was confirmed with the same seq both times;</li>
 *   <li>every member device ends with the store's current state of every text message (text,
 *       edited, deleted, reactions), once it applies the actions it received as a client does.</li>
 * </ol>
 * Reusable across a single node and a cluster: it only needs the logs and the final histories.
 */
public final class ConsistencyChecker {

    /**
     * @param devices   every device's log
     * @param store     the final history of every conversation, ascending by seq, as the store holds it
     * @param visibleTo for each conversation, the users who may see it and up to which seq
     *                  (Long.MAX_VALUE for current members); devices of other users are not expected to hold it
     */
    public ConsistencyReport check(List<DeviceLog> devices, Map<Long, List<HistoryEntry>> store,
                                   Map<Long, Map<Long, Long>> visibleTo) {
        List<String> violations = new ArrayList<>();
        long stored = 0;
        long duplicateClientIds = 0;
        Map<String, HistoryEntry> byClientId = new HashMap<>();
        for (Map.Entry<Long, List<HistoryEntry>> c : store.entrySet()) {
            Set<String> seen = new HashSet<>();
            long expect = 1;
            for (HistoryEntry e : c.getValue()) {
                stored++;
                if (e.seq() != expect) {
                    violations.add("store: conversation " + c.getKey() + " has seq " + e.seq() + " where " + expect
                            + " was due");
                }
                expect = e.seq() + 1;
                if (e.clientId() != null) {
                    String key = e.senderId() + "/" + e.clientId();
                    if (!seen.add(key)) {
                        duplicateClientIds++;
                        violations.add("store: client id " + e.clientId() + " of user " + e.senderId()
                                + " stored twice in conversation " + c.getKey());
                    }
                    byClientId.put(c.getKey() + "/" + key, e);
                }
            }
        }

        long attempts = 0;
        long confirmed = 0;
        long refused = 0;
        long unresolved = 0;
        long lost = 0;
        long refusedButStored = 0;
        long mismatches = 0;
        for (DeviceLog d : devices) {
            for (DeviceLog.Attempt a : d.attempts()) {
                attempts++;
                HistoryEntry stored1 = byClientId.get(a.conversationId() + "/" + d.userId() + "/" + a.clientId());
                if (a.confirmedSeq() != null) {
                    confirmed++;
                    if (a.confirmedSeq() < 0) {
                        mismatches++;
                        violations.add(d.name() + ": client id " + a.clientId() + " confirmed with two different seqs");
                    } else if (stored1 == null) {
                        lost++;
                        violations.add(d.name() + ": confirmed " + a.clientId() + " at seq " + a.confirmedSeq()
                                + " of conversation " + a.conversationId() + " is not in the store");
                    } else if (stored1.seq() != a.confirmedSeq() || !sameContent(stored1, a)) {
                        mismatches++;
                        violations.add(d.name() + ": confirmed " + a.clientId() + " at seq " + a.confirmedSeq()
                                + " but the store has it at " + stored1.seq());
                    }
                } else if (a.refusal() != null) {
                    refused++;
                    if (stored1 != null && !"client_id_conflict".equals(a.refusal())) {
                        refusedButStored++;
                        violations.add(d.name() + ": " + a.clientId() + " was refused (" + a.refusal()
                                + ") but is stored at seq " + stored1.seq());
                    }
                } else {
                    unresolved++;
                }
            }
        }

        long received = 0;
        long divergent = 0;
        long staleStates = 0;
        long order = 0;
        for (DeviceLog d : devices) {
            Map<Long, List<HistoryEntry>> got = d.receivedByConversation();
            Map<Long, List<Long>> resyncs = d.resyncs();
            boolean deviceDiverges = false;
            for (Map.Entry<Long, List<HistoryEntry>> c : got.entrySet()) {
                long last = 0;
                List<Long> jumps = resyncs.getOrDefault(c.getKey(), List.of());
                for (HistoryEntry e : c.getValue()) {
                    received++;
                    if (e.seq() != last + 1 && !(e.seq() > last && jumps.contains(e.seq() - 1))) {
                        order++;
                        violations.add(d.name() + ": conversation " + c.getKey() + " went from seq " + last + " to "
                                + e.seq());
                    }
                    last = e.seq();
                }
            }
            for (Map.Entry<Long, Map<Long, Long>> v : visibleTo.entrySet()) {
                Long upTo = v.getValue().get(d.userId());
                if (upTo == null || resyncs.containsKey(v.getKey())) {
                    continue;
                }
                List<HistoryEntry> expectedEntries = store.getOrDefault(v.getKey(), List.of()).stream()
                        .filter(e -> e.seq() <= upTo).toList();
                List<HistoryEntry> actualEntries = got.getOrDefault(v.getKey(), List.of());
                List<HistoryEntry> expected = expectedEntries.stream().map(HistoryEntry::identity).toList();
                List<HistoryEntry> actual = actualEntries.stream().map(HistoryEntry::identity).toList();
                if (!expected.equals(actual)) {
                    deviceDiverges = true;
                    violations.add(d.name() + ": conversation " + v.getKey() + " holds " + actual.size()
                            + " entries, the store " + expected.size() + firstDifference(expected, actual));
                    continue;
                }
                Map<Long, HistoryEntry.MessageState> held = MessageStates.of(actualEntries);
                for (HistoryEntry e : expectedEntries) {
                    if (e.state() != null && !e.state().equals(held.get(e.seq()))) {
                        deviceDiverges = true;
                        staleStates++;
                        violations.add(d.name() + ": conversation " + v.getKey() + " message " + e.seq() + " is "
                                + held.get(e.seq()) + " on the device, " + e.state() + " in the store");
                    }
                }
            }
            if (deviceDiverges) {
                divergent++;
            }
        }
        return new ConsistencyReport(devices.size(), store.size(), stored, attempts, confirmed, refused, unresolved,
                received, lost, duplicateClientIds, divergent, order, refusedButStored, mismatches, staleStates,
                violations);
    }

    /**
     * Whether what the store holds under a confirmed client id is what was sent: a text's body while
     * nothing changed it, an action's kind-specific content (an emoji); an edit's text is erased when
     * its message is deleted, and a changed text is checked by the final states instead.
     */
    private static boolean sameContent(HistoryEntry stored, DeviceLog.Attempt a) {
        boolean changedText = stored.state() != null && (stored.state().edited() || stored.state().deleted());
        boolean erasedEdit = "edited".equalsIgnoreCase(stored.kind()) && stored.body() == null;
        return changedText || erasedEdit || java.util.Objects.equals(stored.body(), a.body());
    }

    private static String firstDifference(List<HistoryEntry> expected, List<HistoryEntry> actual) {
        for (int i = 0; i < Math.max(expected.size(), actual.size()); i++) {
            HistoryEntry e = i < expected.size() ? expected.get(i) : null;
            HistoryEntry a = i < actual.size() ? actual.get(i) : null;
            if (e == null || !e.equals(a)) {
                return "; first difference at index " + i + ": store " + e + ", device " + a;
            }
        }
        return "";
    }
}
