package dev.parley.checker;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The current state of a conversation's text messages as a device holds them: each message's
 * state as it arrived, then every later action applied in seq order, as docs/protocol.md tells a
 * client to (reactions as sets, the last edit's text, a deletion leaving a tombstone). Actions on
 * messages the device does not hold change nothing.
 */
final class MessageStates {
    private MessageStates() {
    }

    static Map<Long, HistoryEntry.MessageState> of(List<HistoryEntry> entries) {
        Map<Long, HistoryEntry.MessageState> states = new LinkedHashMap<>();
        for (HistoryEntry e : entries) {
            String kind = e.kind().toLowerCase(java.util.Locale.ROOT);
            if (kind.equals("text")) {
                if (e.state() != null) {
                    states.put(e.seq(), e.state());
                }
                continue;
            }
            HistoryEntry.MessageState s = states.get(e.targetSeq());
            if (s == null) {
                continue;
            }
            switch (kind) {
                case "reaction_added", "reaction_removed" -> {
                    Map<String, Set<Long>> reactions = new HashMap<>();
                    s.reactions().forEach((emoji, users) -> reactions.put(emoji, new HashSet<>(users)));
                    if (kind.equals("reaction_added")) {
                        reactions.computeIfAbsent(e.body(), k -> new HashSet<>()).add(e.senderId());
                    } else if (reactions.containsKey(e.body())) {
                        reactions.get(e.body()).remove(e.senderId());
                        if (reactions.get(e.body()).isEmpty()) {
                            reactions.remove(e.body());
                        }
                    }
                    states.put(e.targetSeq(), new HistoryEntry.MessageState(s.body(), s.edited(), s.deleted(), reactions));
                }
                case "edited" -> {
                    if (e.body() != null && !s.deleted()) {
                        states.put(e.targetSeq(), new HistoryEntry.MessageState(e.body(), true, false, s.reactions()));
                    }
                }
                case "deleted" -> states.put(e.targetSeq(), new HistoryEntry.MessageState(null, false, true, Map.of()));
                default -> {
                }
            }
        }
        return states;
    }
}
