package dev.parley.core.sync;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SyncCursorTest {
    static final long MAX = (1L << 53) - 1;

    @Test
    void positionsSurviveTheRoundTripInOrder() {
        Map<Long, Long> p = new LinkedHashMap<>();
        p.put(7312345681004L, 42L);
        p.put(MAX, 0L);
        p.put(1L, MAX);
        String cursor = SyncCursor.encode(p);
        assertThat(cursor).doesNotContain(" ", "\n", ":");
        assertThat(SyncCursor.decode(cursor, MAX)).containsExactlyEntriesOf(p);
        assertThat(SyncCursor.encode(Map.of())).isEqualTo("0");
        assertThat(SyncCursor.decode("0", MAX)).isEmpty();
    }

    @Test
    void anythingElseIsRefused() {
        for (String bad : new String[]{"", ",", "a", "a.", ".1", "1.2,", "1.-2", "0.1", "zzzzzzzzzzzz.1", "1.2.3",
                "1\n.2"}) {
            assertThat(SyncCursor.decode(bad, MAX)).as(bad).isNull();
        }
    }
}
