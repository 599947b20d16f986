package dev.parley.server.ws;

import java.util.function.Consumer;

/**
 * One connection's {@link ConversationCursor}s by conversation id: an open-addressing table keyed
 * by each cursor's own conversation id, so that a lookup boxes nothing. The {@code HashMap<Long, ...>}
 * it replaces boxed the id for every entry delivered and every send confirmed, ~4% of what a node
 * allocated per message (JFR, issue 19). Like that map's use, insert-only: a cursor is never
 * removed or replaced. Linear probing, at most half full.
 *
 * <p>Threading: confined to the connection's event loop, as {@link OrderedDelivery} is.
 */
final class CursorTable {
    private ConversationCursor[] slots = new ConversationCursor[8];
    private int size;

    /** The conversation's cursor, or null. */
    ConversationCursor get(long conversationId) {
        ConversationCursor[] s = slots;
        int mask = s.length - 1;
        for (int i = slot(conversationId, mask); ; i = (i + 1) & mask) {
            ConversationCursor c = s[i];
            if (c == null || c.conversationId == conversationId) {
                return c;
            }
        }
    }

    /** Adds a cursor for a conversation that has none yet. */
    void add(ConversationCursor cursor) {
        if (2 * (size + 1) > slots.length) {
            grow();
        }
        place(slots, cursor);
        size++;
    }

    void forEach(Consumer<ConversationCursor> action) {
        for (ConversationCursor c : slots) {
            if (c != null) {
                action.accept(c);
            }
        }
    }

    int size() {
        return size;
    }

    private void grow() {
        ConversationCursor[] bigger = new ConversationCursor[slots.length * 2];
        for (ConversationCursor c : slots) {
            if (c != null) {
                place(bigger, c);
            }
        }
        slots = bigger;
    }

    private static void place(ConversationCursor[] s, ConversationCursor cursor) {
        int mask = s.length - 1;
        int i = slot(cursor.conversationId, mask);
        while (s[i] != null) {
            if (s[i].conversationId == cursor.conversationId) {
                throw new IllegalStateException("conversation " + cursor.conversationId + " already has a cursor");
            }
            i = (i + 1) & mask;
        }
        s[i] = cursor;
    }

    private static int slot(long conversationId, int mask) {
        // Ids are sequential: spread them (Fibonacci hashing) so neighbours do not cluster.
        return (int) ((conversationId * 0x9E3779B97F4A7C15L) >>> 32) & mask;
    }
}
