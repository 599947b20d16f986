package dev.parley.checker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one device did and saw during a run: every send it attempted, the confirmations and
 * definite refusals it got, and every entry it received, in the order it received them.
 * Thread-safe; a client's callbacks and its sending code may record from different threads.
 */
public final class DeviceLog {
    private final String name;
    private final long userId;
    private final Map<String, Attempt> attempts = new LinkedHashMap<>();
    private final Map<Long, List<HistoryEntry>> received = new HashMap<>();
    private final Map<Long, List<Long>> resyncs = new HashMap<>();

    /** A send: what was sent under a client id, and how it ended (if it did). */
    public record Attempt(long conversationId, String clientId, String body, Long confirmedSeq, String refusal) {
    }

    public DeviceLog(String name, long userId) {
        this.name = name;
        this.userId = userId;
    }

    public String name() {
        return name;
    }

    public long userId() {
        return userId;
    }

    public synchronized void attempted(long conversationId, String clientId, String body) {
        attempts.putIfAbsent(clientId, new Attempt(conversationId, clientId, body, null, null));
    }

    public synchronized void confirmed(String clientId, long seq) {
        Attempt a = attempts.get(clientId);
        if (a == null) {
            throw new IllegalStateException(name + ": confirmation for unknown client id " + clientId);
        }
        if (a.confirmedSeq() != null && a.confirmedSeq() != seq) {
            // Two different seqs for one client id is exactly what the checker must catch.
            attempts.put(clientId, new Attempt(a.conversationId(), clientId, a.body(), -seq, a.refusal()));
            return;
        }
        attempts.put(clientId, new Attempt(a.conversationId(), clientId, a.body(), seq, a.refusal()));
    }

    /** A definite refusal (the message must then never appear anywhere). */
    public synchronized void refused(String clientId, String code) {
        Attempt a = attempts.get(clientId);
        if (a != null) {
            attempts.put(clientId, new Attempt(a.conversationId(), clientId, a.body(), a.confirmedSeq(), code));
        }
    }

    public synchronized void received(HistoryEntry e) {
        received.computeIfAbsent(e.conversationId(), k -> new ArrayList<>()).add(e);
    }

    /**
     * The device was told to resynchronise this conversation from {@code latestSeq}: it holds no
     * complete copy of it, and its next entry there is {@code latestSeq + 1}.
     */
    public synchronized void resynced(long conversationId, long latestSeq) {
        resyncs.computeIfAbsent(conversationId, k -> new ArrayList<>()).add(latestSeq);
    }

    public synchronized List<Attempt> attempts() {
        return List.copyOf(attempts.values());
    }

    public synchronized Map<Long, List<HistoryEntry>> receivedByConversation() {
        Map<Long, List<HistoryEntry>> copy = new HashMap<>();
        received.forEach((k, v) -> copy.put(k, Collections.unmodifiableList(new ArrayList<>(v))));
        return copy;
    }

    /** For each resynchronised conversation, the seqs the device was told to continue from. */
    public synchronized Map<Long, List<Long>> resyncs() {
        Map<Long, List<Long>> copy = new HashMap<>();
        resyncs.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return copy;
    }
}
