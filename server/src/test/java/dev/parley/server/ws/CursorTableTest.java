package dev.parley.server.ws;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link CursorTable} finds what a map by conversation id would, through growth and collisions. */
class CursorTableTest {
    @Test
    void findsEveryCursorAddedAndNothingElse() {
        Random random = new Random(19);
        for (int round = 0; round < 50; round++) {
            CursorTable table = new CursorTable();
            Map<Long, ConversationCursor> expected = new HashMap<>();
            int n = random.nextInt(3_000);
            for (int i = 0; i < n; i++) {
                // Sequential ids (as conversations get them), far-apart ones, and repeats.
                long id = switch (random.nextInt(3)) {
                    case 0 -> 1 + random.nextInt(5_000);
                    case 1 -> random.nextLong() & Long.MAX_VALUE;
                    default -> 1_000_000 + i;
                };
                if (!expected.containsKey(id)) {
                    ConversationCursor c = new ConversationCursor(id, i);
                    table.add(c);
                    expected.put(id, c);
                }
                long probe = random.nextBoolean() ? id : 1 + random.nextInt(10_000);
                assertThat(table.get(probe)).isSameAs(expected.get(probe));
            }
            assertThat(table.size()).isEqualTo(expected.size());
            Map<Long, ConversationCursor> seen = new HashMap<>();
            table.forEach(c -> seen.put(c.conversationId, c));
            assertThat(seen).isEqualTo(expected);
            for (Map.Entry<Long, ConversationCursor> e : expected.entrySet()) {
                assertThat(table.get(e.getKey())).isSameAs(e.getValue());
            }
        }
    }

    @Test
    void aSecondCursorForAConversationIsRefused() {
        CursorTable table = new CursorTable();
        table.add(new ConversationCursor(7, 0));
        assertThatThrownBy(() -> table.add(new ConversationCursor(7, 1))).isInstanceOf(IllegalStateException.class);
    }
}
