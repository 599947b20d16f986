package dev.parley.sdk;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where a client keeps its position per conversation: the highest seq it has delivered to its
 * {@link ParleyListener} with nothing missing below it. On (re)connecting the client asks the node
 * for everything after these positions, so an application that stores history locally and gives
 * the SDK a persistent store resumes after a restart without gaps or repeats.
 *
 * <p>Threading: {@link #load()} runs once, on the SDK thread at the first
 * {@link ParleyClient#connect()}; {@link #save} runs on the SDK thread after the listener has
 * seen the entries up to that seq. Keep both fast (buffer writes if they are slow).
 */
public interface PositionStore {

    /** Every known position: conversation id to seq. */
    Map<Long, Long> load();

    /** The position of a conversation moved forward to {@code seq}. */
    void save(long conversationId, long seq);

    /** A store in memory that starts empty: the client catches up each conversation from its start. */
    static PositionStore inMemory() {
        return inMemory(Map.of());
    }

    /**
     * A store in memory that starts from the given positions. A new device that shows only recent
     * history passes each conversation's {@code lastSeq} here, so it receives only what follows.
     */
    static PositionStore inMemory(Map<Long, Long> start) {
        Map<Long, Long> positions = new ConcurrentHashMap<>(start);
        return new PositionStore() {
            @Override
            public Map<Long, Long> load() {
                return Map.copyOf(positions);
            }

            @Override
            public void save(long conversationId, long seq) {
                positions.merge(conversationId, seq, Math::max);
            }
        };
    }
}
